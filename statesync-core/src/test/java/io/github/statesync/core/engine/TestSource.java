package io.github.statesync.core.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.Subscription;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory source of truth for engine tests: a store of snapshots, a subscriber that
 * delivers events the test emits, and a provider that answers from the store at once or,
 * in manual mode, when the test completes each pending fetch.
 */
final class TestSource<T> implements InvalidationSubscriber, SnapshotProvider<T> {

	private final Map<String, List<InvalidationListener>> listeners = new ConcurrentHashMap<>();

	private final Map<String, SnapshotEnvelope<T>> store = new ConcurrentHashMap<>();

	private final Deque<PendingFetch<T>> pending = new ArrayDeque<>();

	private final Deque<Throwable> failures = new ArrayDeque<>();

	final AtomicInteger fetches = new AtomicInteger();

	final AtomicInteger subscribes = new AtomicInteger();

	final AtomicInteger cancels = new AtomicInteger();

	private volatile boolean manual;

	private volatile @Nullable Executor async;

	private volatile @Nullable Exception subscribeFailure;

	TestSource<T> manual() {
		this.manual = true;
		return this;
	}

	/** Answer fetches from the store on the executor, as a remote source would. */
	TestSource<T> async(Executor executor) {
		this.async = executor;
		return this;
	}

	void failSubscribe(@Nullable Exception failure) {
		this.subscribeFailure = failure;
	}

	synchronized void failNextFetches(Throwable... failures) {
		this.failures.addAll(List.of(failures));
	}

	@Override
	public Subscription subscribe(String topic, InvalidationListener listener) throws Exception {
		this.subscribes.incrementAndGet();
		Exception failure = this.subscribeFailure;
		if (failure != null) {
			throw failure;
		}
		this.listeners.computeIfAbsent(topic, (key) -> new CopyOnWriteArrayList<>()).add(listener);
		return () -> {
			if (this.listeners.get(topic).remove(listener)) {
				this.cancels.incrementAndGet();
			}
		};
	}

	@Override
	public CompletableFuture<@Nullable SnapshotEnvelope<T>> fetch(String topic, Revision knownRevision) {
		this.fetches.incrementAndGet();
		synchronized (this) {
			Throwable failure = this.failures.poll();
			if (failure != null) {
				return CompletableFuture.failedFuture(failure);
			}
			if (this.manual) {
				PendingFetch<T> fetch = new PendingFetch<>(topic, new CompletableFuture<>());
				this.pending.add(fetch);
				return fetch.future;
			}
		}
		Executor executor = this.async;
		if (executor != null) {
			return CompletableFuture.supplyAsync(() -> this.store.get(topic), executor);
		}
		return CompletableFuture.completedFuture(this.store.get(topic));
	}

	/** Store a snapshot without announcing it. */
	void put(String topic, long revision, T data) {
		this.store.put(topic, new SnapshotEnvelope<>(Revision.of(revision), data));
	}

	/**
	 * Store a snapshot unless the store already holds a newer one; return what it holds.
	 */
	long putIfNewer(String topic, long revision, T data) {
		return this.store
			.compute(topic, (key, current) -> (current == null || current.revision().longValue() < revision)
					? new SnapshotEnvelope<>(Revision.of(revision), data) : current)
			.revision()
			.longValue();
	}

	long storedRevision(String topic) {
		SnapshotEnvelope<T> current = this.store.get(topic);
		return (current != null) ? current.revision().longValue() : 0;
	}

	/** Store a snapshot and announce it. */
	void publish(String topic, long revision, T data) {
		put(topic, revision, data);
		event(topic, revision);
	}

	/** Store a snapshot and announce it with its data inline. */
	void publishInline(String topic, long revision, T data) {
		put(topic, revision, data);
		deliver(topic, new InvalidationEvent(topic, Revision.of(revision), null, null, data));
	}

	/**
	 * Binds inline data as it is; data that is a {@link ProtocolException} stands for
	 * data that does not fit the type.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public @Nullable SnapshotEnvelope<T> inlineSnapshot(InvalidationEvent event) {
		if (event.data() instanceof ProtocolException unfit) {
			throw unfit;
		}
		return new SnapshotEnvelope<>(event.revision(), (T) event.data());
	}

	void event(String topic, long revision) {
		deliver(topic, InvalidationEvent.of(topic, Revision.of(revision)));
	}

	void deliver(String topic, InvalidationEvent event) {
		this.listeners.getOrDefault(topic, List.of()).forEach((listener) -> listener.onInvalidation(event));
	}

	void protocolError(String topic, ProtocolException error) {
		this.listeners.getOrDefault(topic, List.of()).forEach((listener) -> listener.onProtocolError(error));
	}

	void resync(String topic) {
		this.listeners.getOrDefault(topic, List.of()).forEach(InvalidationListener::onResync);
	}

	int listenerCount(String topic) {
		return this.listeners.getOrDefault(topic, List.of()).size();
	}

	synchronized int pendingFetches() {
		return this.pending.size();
	}

	/** Complete the oldest pending fetch with what the store holds now. */
	void completeFetch() {
		PendingFetch<T> fetch = nextPending();
		fetch.future.complete(this.store.get(fetch.topic));
	}

	/** Complete the oldest pending fetch with the given snapshot. */
	void completeFetch(long revision, T data) {
		nextPending().future.complete(new SnapshotEnvelope<>(Revision.of(revision), data));
	}

	/**
	 * Complete the oldest pending fetch with {@code null}: "still at the revision you
	 * know".
	 */
	void completeFetchUnchanged() {
		nextPending().future.complete(null);
	}

	void failFetch(Throwable failure) {
		nextPending().future.completeExceptionally(failure);
	}

	private synchronized PendingFetch<T> nextPending() {
		PendingFetch<T> fetch = this.pending.poll();
		if (fetch == null) {
			throw new IllegalStateException("no fetch is pending");
		}
		return fetch;
	}

	private record PendingFetch<T>(String topic, CompletableFuture<@Nullable SnapshotEnvelope<T>> future) {

	}

}
