package io.github.statesync.boot.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.Subscription;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The in-JVM transport: invalidations travel on a Spring Messaging
 * {@link SubscribableChannel} and snapshots live in a map. The same engine runs on it as
 * on Redis; use it for tests and single-node applications, or put the channel on a broker
 * of your own.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class LocalStateSyncTransport implements StateSyncTransport {

	private final SubscribableChannel channel;

	private final JsonMapper mapper;

	private final @Nullable String nodeId;

	private final Map<String, SnapshotEnvelope<JsonNode>> snapshots = new ConcurrentHashMap<>();

	private final Map<String, List<InvalidationListener>> listeners = new ConcurrentHashMap<>();

	private final MessageHandler dispatcher = this::dispatch;

	private final StatePublisher publisher = new StatePublisher() {

		@Override
		public Revision publish(String topic, Object data) {
			return write(topic, null, data, SnapshotEnvelope.UNVERSIONED).revision();
		}

		@Override
		public PublishResult publishIfCurrent(String topic, Revision expected, Object data) {
			return write(topic, expected, data, SnapshotEnvelope.UNVERSIONED);
		}

		@Override
		public Revision publish(String topic, Object data, int schemaVersion) {
			return write(topic, null, data, schemaVersion).revision();
		}

		@Override
		public PublishResult publishIfCurrent(String topic, Revision expected, Object data, int schemaVersion) {
			return write(topic, expected, data, schemaVersion);
		}

	};

	private final InvalidationSubscriber subscriber = this::subscribe;

	/**
	 * Create the transport and subscribe to the channel.
	 * @param channel the channel invalidations travel on
	 * @param mapper turns published objects into snapshot data
	 * @param nodeId this node's id, or {@code null}
	 */
	public LocalStateSyncTransport(SubscribableChannel channel, JsonMapper mapper, @Nullable String nodeId) {
		this.channel = channel;
		this.mapper = mapper;
		this.nodeId = nodeId;
		this.channel.subscribe(this.dispatcher);
	}

	@Override
	public String name() {
		return "local";
	}

	@Override
	public InvalidationSubscriber subscriber() {
		return this.subscriber;
	}

	@Override
	public StatePublisher publisher() {
		return this.publisher;
	}

	@Override
	public SnapshotProvider<JsonNode> provider(TopicSettings settings) {
		return (topic, knownRevision) -> CompletableFuture.completedFuture(this.snapshots.get(topic));
	}

	private Subscription subscribe(String topic, InvalidationListener listener) {
		this.listeners.computeIfAbsent(topic, (key) -> new CopyOnWriteArrayList<>()).add(listener);
		return () -> this.listeners.getOrDefault(topic, List.of()).remove(listener);
	}

	private PublishResult write(String topic, @Nullable Revision expected, Object data, int schemaVersion) {
		JsonNode tree = this.mapper.valueToTree(data);
		SnapshotEnvelope<JsonNode> written;
		synchronized (this) {
			SnapshotEnvelope<JsonNode> current = this.snapshots.get(topic);
			Revision currentRevision = (current != null) ? current.revision() : Revision.ZERO;
			if (expected != null && !expected.equals(currentRevision)) {
				return new PublishResult(false, currentRevision);
			}
			// A topic's first revision is the clock in microseconds, as on Redis, so
			// revisions keep increasing across restarts: a last-known-good snapshot
			// on disk must not outrank the next run's writes.
			Revision next = (current != null) ? currentRevision.next()
					: Revision.of(Math.max(1, TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis())));
			written = new SnapshotEnvelope<>(next, tree, -1, schemaVersion);
			this.snapshots.put(topic, written);
		}
		this.channel.send(MessageBuilder
			.withPayload(new InvalidationEvent(topic, written.revision(), this.nodeId, System.currentTimeMillis()))
			.build());
		return new PublishResult(true, written.revision());
	}

	private void dispatch(Message<?> message) {
		if (message.getPayload() instanceof InvalidationEvent event) {
			this.listeners.getOrDefault(event.topic(), List.of()).forEach((listener) -> listener.onInvalidation(event));
		}
	}

	@Override
	public void close() {
		this.channel.unsubscribe(this.dispatcher);
	}

}
