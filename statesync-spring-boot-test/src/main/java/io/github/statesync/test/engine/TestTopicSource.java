package io.github.statesync.test.engine;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

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
 * An in-memory source of truth for topics: a store of snapshots, the
 * {@link InvalidationSubscriber} that announces what is published to it, and
 * {@link #provider typed providers} that answer fetches from the store at once. Every
 * handle built on one source follows the same store, as the nodes of a fleet follow one
 * Redis. Get one from {@link SyncEngineExtension#source()}, or create one for a test of
 * your own.
 * <p>
 * Instances are thread-safe.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class TestTopicSource implements InvalidationSubscriber {

	private final Map<String, List<InvalidationListener>> listeners = new ConcurrentHashMap<>();

	private final Map<String, SnapshotEnvelope<Object>> store = new ConcurrentHashMap<>();

	private final Map<String, ConcurrentLinkedQueue<Throwable>> failures = new ConcurrentHashMap<>();

	@Override
	public Subscription subscribe(String topic, InvalidationListener listener) {
		this.listeners.computeIfAbsent(topic, (key) -> new CopyOnWriteArrayList<>()).add(listener);
		return () -> this.listeners.getOrDefault(topic, List.of()).remove(listener);
	}

	/**
	 * Return a provider that fetches snapshots of this source's topics as the given type.
	 * A snapshot whose data is of another type is a protocol error, as a snapshot that
	 * does not bind is on a real transport.
	 * @param <T> the type of the snapshot data
	 * @param type the type of the snapshot data
	 * @return the provider
	 */
	public <T> SnapshotProvider<T> provider(Class<T> type) {
		Objects.requireNonNull(type, "type must not be null");
		return (topic, knownRevision) -> fetch(topic, type);
	}

	/**
	 * Store a new state of a topic at the next revision and announce it to every
	 * subscriber.
	 * @param topic the topic
	 * @param data the new state, of the type the topic's handles fetch
	 * @return the revision it was stored at
	 */
	public Revision publish(String topic, Object data) {
		Revision revision = publishWithoutEvent(topic, data);
		InvalidationEvent event = InvalidationEvent.of(topic, revision);
		this.listeners.getOrDefault(topic, List.of()).forEach((listener) -> listener.onInvalidation(event));
		return revision;
	}

	/**
	 * Store a new state of a topic at the next revision without announcing it, as if its
	 * invalidation were lost on the way: handles see it on their next refresh, poll or
	 * event.
	 * @param topic the topic
	 * @param data the new state
	 * @return the revision it was stored at
	 */
	public Revision publishWithoutEvent(String topic, Object data) {
		Objects.requireNonNull(data, "data must not be null");
		return this.store
			.compute(topic,
					(key, current) -> new SnapshotEnvelope<>(
							(current != null) ? current.revision().next() : Revision.of(1), data))
			.revision();
	}

	/**
	 * Tell every subscriber of the topic that events may have been lost (as a transport
	 * does when its connection comes back): handles fetch whatever the revisions say.
	 * @param topic the topic
	 */
	public void resync(String topic) {
		this.listeners.getOrDefault(topic, List.of()).forEach(InvalidationListener::onResync);
	}

	/**
	 * Make the next fetch of a topic fail with the given error, once per call.
	 * @param topic the topic
	 * @param failure what the fetch fails with
	 */
	public void failNextFetch(String topic, Throwable failure) {
		Objects.requireNonNull(failure, "failure must not be null");
		this.failures.computeIfAbsent(topic, (key) -> new ConcurrentLinkedQueue<>()).add(failure);
	}

	/**
	 * Return the revision a topic is stored at.
	 * @param topic the topic
	 * @return the revision, {@link Revision#ZERO} if nothing was published
	 */
	public Revision revision(String topic) {
		SnapshotEnvelope<Object> current = this.store.get(topic);
		return (current != null) ? current.revision() : Revision.ZERO;
	}

	/**
	 * Return how many subscriptions to a topic are active.
	 * @param topic the topic
	 * @return the number of subscribers
	 */
	public int subscribers(String topic) {
		return this.listeners.getOrDefault(topic, List.of()).size();
	}

	/**
	 * Forget every snapshot, subscriber and pending failure.
	 */
	public void clear() {
		this.listeners.clear();
		this.store.clear();
		this.failures.clear();
	}

	private <T> CompletableFuture<@Nullable SnapshotEnvelope<T>> fetch(String topic, Class<T> type) {
		ConcurrentLinkedQueue<Throwable> pending = this.failures.get(topic);
		Throwable failure = (pending != null) ? pending.poll() : null;
		if (failure != null) {
			return CompletableFuture.failedFuture(failure);
		}
		SnapshotEnvelope<Object> current = this.store.get(topic);
		if (current == null) {
			return CompletableFuture.completedFuture(null);
		}
		Object data = current.data();
		if (data != null && !type.isInstance(data)) {
			return CompletableFuture.failedFuture(new ProtocolException("snapshot " + current.revision() + " of topic '"
					+ topic + "' holds a " + data.getClass().getName() + ", not a " + type.getName()));
		}
		return CompletableFuture.completedFuture(new SnapshotEnvelope<>(current.revision(), type.cast(data)));
	}

}
