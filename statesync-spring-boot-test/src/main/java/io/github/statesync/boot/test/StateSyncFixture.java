package io.github.statesync.boot.test;

import java.time.Duration;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes snapshots to the application under test and reads back what its topics hold;
 * inject it in a test annotated with
 * {@link AutoConfigureStateSync @AutoConfigureStateSync}: <pre class="code">
 * statesync.publish("greeting", new Greeting("Hello"));
 * assertThat(greetings.greet("Ada")).isEqualTo("Hello, Ada");
 * assertThat(statesync.current("greeting", Greeting.class).getText()).isEqualTo("Hello");
 * </pre> A snapshot is published as another node of the fleet would publish it: written
 * to the transport's store and announced, so it takes the path every remote write takes
 * (invalidation, fetch, bind, validate, swap on the engine's threads), not the shortcut
 * of the application's own {@code StatePublisher}. {@link #publish} returns once the
 * application applied it, and fails at once, with the reason, if the application refused
 * it.
 * <p>
 * Instances are immutable and thread-safe; {@link #withTimeout} returns a copy.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class StateSyncFixture {

	/** How long a wait lasts unless {@link #withTimeout} says otherwise. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final StateSyncTransport transport;

	private final SyncedTopicRegistry registry;

	private final JsonMapper mapper;

	private final RefusedSnapshots refusals;

	private final Duration timeout;

	StateSyncFixture(StateSyncTransport transport, SyncedTopicRegistry registry, JsonMapper mapper,
			RefusedSnapshots refusals, Duration timeout) {
		this.transport = transport;
		this.registry = registry;
		this.mapper = mapper;
		this.refusals = refusals;
		this.timeout = timeout;
	}

	/**
	 * Return a fixture that waits at most the given time.
	 * @param timeout the longest wait of {@link #publish} and {@link #awaitApplied}
	 * @return a fixture with that timeout
	 */
	public StateSyncFixture withTimeout(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout must not be null");
		return new StateSyncFixture(this.transport, this.registry, this.mapper, this.refusals, timeout);
	}

	/**
	 * Publish a new state of a topic, as another node would, and wait until this
	 * application applied it. A topic the application does not follow is written without
	 * waiting.
	 * @param topic the topic
	 * @param state the new state: an object serialized with the application's
	 * {@code JsonMapper}, or a {@link JsonNode}
	 * @return the revision the state was published at
	 * @throws AssertionError if the application refused the state (it does not bind or
	 * validate) or did not apply it within the timeout
	 */
	public Revision publish(String topic, Object state) {
		Objects.requireNonNull(state, "state must not be null");
		Revision revision = this.transport.publisher().publish(topic, state);
		if (follows(topic)) {
			awaitApplied(topic, revision);
		}
		return revision;
	}

	/**
	 * Publish a new state of a topic given as JSON, as another node would, and wait until
	 * this application applied it.
	 * @param topic the topic
	 * @param json the new state as JSON, for example {@code {"text":"Hello"}}
	 * @return the revision the state was published at
	 * @throws IllegalArgumentException if the text is not JSON
	 * @throws AssertionError if the application refused the state or did not apply it
	 * within the timeout
	 */
	public Revision publishJson(String topic, String json) {
		JsonNode tree;
		try {
			tree = this.mapper.readTree(json);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Not JSON, cannot publish it to topic '" + topic + "': " + json, ex);
		}
		return publish(topic, tree);
	}

	/**
	 * Wait until the application applied a revision of a topic (or a newer one).
	 * Completes at once if it has.
	 * @param topic the topic
	 * @param revision the revision
	 * @throws AssertionError if the application does not follow the topic, refused the
	 * revision, or did not apply it within the timeout
	 */
	public void awaitApplied(String topic, Revision revision) {
		SyncedValue<?> value = value(topic);
		CompletableFuture<Revision> applied = value.whenApplied(revision);
		CompletableFuture<SyncError> refused = this.refusals.whenRefused(topic, revision);
		try {
			Object outcome = CompletableFuture.anyOf(applied, refused)
				.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
			if (outcome instanceof SyncError error) {
				throw new AssertionError("Topic '" + topic + "' refused revision " + error.snapshotRevision()
						+ " and keeps revision " + value.revision() + ": " + error.cause().getMessage(), error.cause());
			}
		}
		catch (TimeoutException ex) {
			throw new AssertionError("Topic '" + topic + "' did not apply revision " + revision + " within "
					+ this.timeout + "; it holds revision " + value.revision() + ", status " + value.status());
		}
		catch (ExecutionException ex) {
			throw new AssertionError("Topic '" + topic + "' stopped before it applied revision " + revision,
					ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for revision " + revision + " of topic '" + topic + "'",
					ex);
		}
		finally {
			applied.cancel(false);
			refused.cancel(false);
		}
	}

	/**
	 * Return what a topic holds now: the last applied snapshot, or the
	 * {@code @SyncedTopic} bean's defaults before the first one. The object is the
	 * snapshot itself, not the bean's proxy, so it compares and prints as a value.
	 * @param topic the topic
	 * @return the current state, {@code null} only for a topic without a bean and without
	 * a snapshot
	 * @throws AssertionError if the application does not follow the topic
	 */
	public @Nullable Object current(String topic) {
		return value(topic).get();
	}

	/**
	 * Return what a topic holds now, as the given type.
	 * @param <T> the type of the state
	 * @param topic the topic
	 * @param type the type of the state, the {@code @SyncedTopic} bean's class
	 * @return the current state, {@code null} only for a topic without a bean and without
	 * a snapshot
	 * @throws AssertionError if the application does not follow the topic, or its state
	 * is of another type
	 */
	public <T> @Nullable T current(String topic, Class<T> type) {
		Object state = current(topic);
		if (state != null && !type.isInstance(state)) {
			throw new AssertionError(
					"Topic '" + topic + "' holds a " + state.getClass().getName() + ", not a " + type.getName());
		}
		return type.cast(state);
	}

	/**
	 * Return the revision a topic holds now.
	 * @param topic the topic
	 * @return the revision, {@link Revision#ZERO} before the first snapshot
	 * @throws AssertionError if the application does not follow the topic
	 */
	public Revision revision(String topic) {
		return value(topic).revision();
	}

	private boolean follows(String topic) {
		return this.registry.handle(topic) != null || this.registry.beanTopic(topic) != null;
	}

	private SyncedValue<?> value(String topic) {
		if (!follows(topic)) {
			throw new AssertionError("This application follows no topic '" + topic + "'; it follows "
					+ new TreeSet<>(this.registry.topics()));
		}
		return this.registry.value(topic);
	}

}
