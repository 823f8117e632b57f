package io.github.statesync.test.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.spi.SnapshotApplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the statesync engine in a JUnit 5 test without Spring and without Redis: a
 * {@link TestTopicSource} to publish to, {@link SyncHandle}s built on it that the test
 * asserts on, and waits until every handle of a topic applied a revision. Handles started
 * through the extension are stopped, and the source cleared, after each test. Register it
 * on a field: <pre class="code">
 * &#64;RegisterExtension
 * final SyncEngineExtension engine = new SyncEngineExtension();
 *
 * &#64;Test
 * void everyNodeFollowsThePublishedPrices() {
 *     PriceCache first = new PriceCache();
 *     PriceCache second = new PriceCache();
 *     engine.start("prices", Prices.class, first::apply);
 *     engine.start("prices", Prices.class, second::apply);
 *     engine.publish("prices", new Prices(42));
 *     assertThat(first.current()).isEqualTo(second.current()).isEqualTo(new Prices(42));
 * }
 * </pre>
 *
 * @author statesync
 * @since 0.1.0
 */
public final class SyncEngineExtension implements AfterEachCallback {

	/** How long a start or a wait lasts unless {@link #withTimeout} says otherwise. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final TestTopicSource source = new TestTopicSource();

	private final Duration timeout;

	private final List<SyncHandle<?>> handles = new CopyOnWriteArrayList<>();

	private final Map<String, SyncError> lastErrors = new ConcurrentHashMap<>();

	private final SyncListener errors = new SyncListener() {

		@Override
		public void onError(SyncError error) {
			SyncEngineExtension.this.lastErrors.put(error.topic(), error);
		}

	};

	/**
	 * Create an extension whose waits last at most {@link #DEFAULT_TIMEOUT}.
	 */
	public SyncEngineExtension() {
		this(DEFAULT_TIMEOUT);
	}

	private SyncEngineExtension(Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * Return an extension whose starts and waits last at most the given time.
	 * @param timeout the longest wait
	 * @return a new extension
	 */
	public SyncEngineExtension withTimeout(Duration timeout) {
		return new SyncEngineExtension(Objects.requireNonNull(timeout, "timeout must not be null"));
	}

	/**
	 * Return the source every handle of this extension follows.
	 * @return the source
	 */
	public TestTopicSource source() {
		return this.source;
	}

	/**
	 * Start building a handle that follows a topic of the {@link #source()}, to set
	 * options, a listener or a scheduler before {@link #start(SyncHandle)}.
	 * @param <T> the type of the snapshot data
	 * @param topic the topic
	 * @param type the type of the snapshot data
	 * @param applier applies each snapshot, typically the code under test
	 * @return a builder wired to the source
	 */
	public <T> SyncHandle.Builder<T> handle(String topic, Class<T> type, SnapshotApplier<T> applier) {
		return SyncHandle.builder(topic, this.source, this.source.provider(type), applier).listener(this.errors);
	}

	/**
	 * Build and start a handle that follows a topic of the {@link #source()}, and wait
	 * until it runs (with the topic's current snapshot, if one was published).
	 * @param <T> the type of the snapshot data
	 * @param topic the topic
	 * @param type the type of the snapshot data
	 * @param applier applies each snapshot, typically the code under test
	 * @return the running handle, stopped after the test
	 * @throws AssertionError if it did not start within the timeout
	 */
	public <T> SyncHandle<T> start(String topic, Class<T> type, SnapshotApplier<T> applier) {
		return start(handle(topic, type, applier).build());
	}

	/**
	 * Start a handle, wait until it runs, and stop it after the test. Its topic's waits
	 * ({@link #publish}, {@link #awaitApplied}) include it.
	 * @param <T> the type of the snapshot data
	 * @param handle a handle, usually built with {@link #handle}
	 * @return the running handle
	 * @throws AssertionError if it did not start within the timeout
	 */
	public <T> SyncHandle<T> start(SyncHandle<T> handle) {
		this.handles.add(handle);
		try {
			handle.start().get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError("Handle of topic '" + handle.topic() + "' did not start within " + this.timeout
					+ "; status " + handle.status());
		}
		catch (ExecutionException ex) {
			throw new AssertionError("Handle of topic '" + handle.topic() + "' failed to start", ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while starting the handle of topic '" + handle.topic() + "'", ex);
		}
		return handle;
	}

	/**
	 * Publish a new state of a topic to the {@link #source()} and wait until every
	 * running handle of the topic applied it.
	 * @param topic the topic
	 * @param data the new state, of the type the topic's handles fetch
	 * @return the revision it was published at
	 * @throws AssertionError if a handle did not apply it within the timeout
	 */
	public Revision publish(String topic, Object data) {
		Revision revision = this.source.publish(topic, data);
		awaitApplied(topic, revision);
		return revision;
	}

	/**
	 * Wait until every running handle of a topic applied a revision (or a newer one).
	 * @param topic the topic
	 * @param revision the revision
	 * @throws AssertionError if a handle did not apply it within the timeout, naming the
	 * revision and status of each handle that did not
	 */
	public void awaitApplied(String topic, Revision revision) {
		List<SyncHandle<?>> following = new ArrayList<>();
		List<CompletableFuture<Revision>> waits = new ArrayList<>();
		for (SyncHandle<?> handle : this.handles) {
			if (handle.topic().equals(topic) && handle.state() != SyncHandle.State.STOPPED) {
				following.add(handle);
				waits.add(handle.whenApplied(revision));
			}
		}
		try {
			CompletableFuture.allOf(waits.toArray(new CompletableFuture<?>[0]))
				.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			throw new AssertionError(notApplied(topic, revision, following));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for revision " + revision + " of topic '" + topic + "'",
					ex);
		}
		finally {
			waits.forEach((wait) -> wait.cancel(false));
		}
	}

	/**
	 * Stop every handle started through this extension and clear the source.
	 */
	@Override
	public void afterEach(ExtensionContext context) {
		for (SyncHandle<?> handle : this.handles) {
			handle.stop();
		}
		this.handles.clear();
		this.lastErrors.clear();
		this.source.clear();
	}

	private String notApplied(String topic, Revision revision, List<SyncHandle<?>> following) {
		StringBuilder message = new StringBuilder("Topic '").append(topic)
			.append("': not every handle applied revision ")
			.append(revision)
			.append(" within ")
			.append(this.timeout);
		for (int i = 0; i < following.size(); i++) {
			SyncHandle<?> handle = following.get(i);
			if (handle.localRevision().compareTo(revision) < 0) {
				message.append("; handle ")
					.append(i + 1)
					.append(" of ")
					.append(following.size())
					.append(" holds revision ")
					.append(handle.localRevision())
					.append(", status ")
					.append(handle.status());
			}
		}
		SyncError error = this.lastErrors.get(topic);
		if (error != null) {
			message.append("; last error: ")
				.append(error.phase())
				.append(" at revision ")
				.append(error.snapshotRevision())
				.append(": ")
				.append(error.cause());
		}
		return message.toString();
	}

}
