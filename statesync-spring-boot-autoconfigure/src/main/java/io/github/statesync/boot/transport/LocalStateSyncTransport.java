package io.github.statesync.boot.transport;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.HistoryRecords;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.HistoryStore;
import io.github.statesync.core.history.WriteMetadata;
import io.github.statesync.core.history.WriteReceipt;
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
 * of your own. Topics that keep history keep it in memory, with the same bounds and
 * entries as on Redis, updated together with the snapshot.
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

	/**
	 * The history of each topic that keeps one, newest first; guarded by {@code this}.
	 */
	private final Map<String, Deque<Stored>> histories = new HashMap<>();

	private final StatePublisher publisher = new LocalPublisher();

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
	public @Nullable String nodeId() {
		return this.nodeId;
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

	private WriteReceipt write(String topic, @Nullable Revision expected, Object data, WriteMetadata metadata) {
		JsonNode tree = this.mapper.valueToTree(data);
		String json = this.mapper.writeValueAsString(tree);
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		String digest = HistoryRecords.digest(bytes);
		SnapshotEnvelope<JsonNode> written;
		Revision currentRevision;
		synchronized (this) {
			SnapshotEnvelope<JsonNode> current = this.snapshots.get(topic);
			currentRevision = (current != null) ? current.revision() : Revision.ZERO;
			if (expected != null && !expected.equals(currentRevision)) {
				return new WriteReceipt(false, currentRevision, null, bytes.length, digest);
			}
			// A topic's first revision is the clock in microseconds, as on Redis, so
			// revisions keep increasing across restarts: a last-known-good snapshot
			// on disk must not outrank the next run's writes.
			Revision next = (current != null) ? currentRevision.next()
					: Revision.of(Math.max(1, TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis())));
			written = new SnapshotEnvelope<>(next, tree, -1, metadata.schemaVersion());
			this.snapshots.put(topic, written);
			remember(topic, next, currentRevision, bytes.length, digest, metadata, json);
		}
		this.channel.send(MessageBuilder
			.withPayload(new InvalidationEvent(topic, written.revision(), this.nodeId, System.currentTimeMillis()))
			.build());
		return new WriteReceipt(true, written.revision(), currentRevision, bytes.length, digest);
	}

	/**
	 * Add an entry to the topic's history and drop the oldest until both bounds hold, as
	 * the Redis script does (the newest entry is always kept). Called holding
	 * {@code this}.
	 */
	private void remember(String topic, Revision revision, Revision previous, long size, String digest,
			WriteMetadata metadata, String json) {
		HistoryRetention retention = metadata.retention();
		if (!retention.isEnabled()) {
			return;
		}
		String envelope = "{\"revision\":\"" + revision + "\","
				+ SnapshotEnvelope.schemaVersionMember(metadata.schemaVersion()) + "\"data\":" + json + "}";
		long now = System.currentTimeMillis();
		String fields = HistoryRecords.writerFields(size, digest, metadata, this.nodeId);
		long stored = HistoryRecords.format(revision, previous, now, fields, envelope)
			.getBytes(StandardCharsets.UTF_8).length;
		HistoryEntry entry = new HistoryEntry(revision, previous, Instant.ofEpochMilli(now), metadata.operation(),
				this.nodeId, metadata.principal(), size, digest, metadata.rollbackOf(), envelope);
		Deque<Stored> history = this.histories.computeIfAbsent(topic, (key) -> new ArrayDeque<>());
		history.addFirst(new Stored(entry, stored));
		long bytes = history.stream().mapToLong(Stored::bytes).sum();
		while (history.size() > 1 && (history.size() > retention.maxEntries() || bytes > retention.maxBytes())) {
			bytes -= history.removeLast().bytes();
		}
	}

	private synchronized List<HistoryEntry> history(String topic, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, was " + limit);
		}
		Deque<Stored> history = this.histories.get(topic);
		List<HistoryEntry> entries = new ArrayList<>();
		if (history != null) {
			for (Stored stored : history) {
				if (entries.size() == limit) {
					break;
				}
				entries.add(stored.entry());
			}
		}
		return entries;
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

	/**
	 * A history entry and the bytes it counts for, as stored on Redis.
	 */
	private record Stored(HistoryEntry entry, long bytes) {

	}

	/**
	 * Writes snapshots and keeps history.
	 */
	private final class LocalPublisher implements StatePublisher, HistoryStore {

		private static final WriteMetadata PUBLISH = new WriteMetadata(HistoryEntry.Operation.PUBLISH, null, null,
				HistoryRetention.NONE);

		private static final WriteMetadata COMPARE_AND_SET = new WriteMetadata(HistoryEntry.Operation.COMPARE_AND_SET,
				null, null, HistoryRetention.NONE);

		@Override
		public Revision publish(String topic, Object data) {
			return LocalStateSyncTransport.this.write(topic, null, data, PUBLISH).revision();
		}

		@Override
		public PublishResult publishIfCurrent(String topic, Revision expected, Object data) {
			WriteReceipt receipt = LocalStateSyncTransport.this.write(topic, expected, data, COMPARE_AND_SET);
			return new PublishResult(receipt.published(), receipt.revision());
		}

		@Override
		public Revision publish(String topic, Object data, int schemaVersion) {
			return LocalStateSyncTransport.this.write(topic, null, data, PUBLISH.withSchemaVersion(schemaVersion))
				.revision();
		}

		@Override
		public PublishResult publishIfCurrent(String topic, Revision expected, Object data, int schemaVersion) {
			WriteReceipt receipt = LocalStateSyncTransport.this.write(topic, expected, data,
					COMPARE_AND_SET.withSchemaVersion(schemaVersion));
			return new PublishResult(receipt.published(), receipt.revision());
		}

		@Override
		public WriteReceipt write(String topic, Object data, @Nullable Revision expected, WriteMetadata metadata) {
			return LocalStateSyncTransport.this.write(topic, expected, data, metadata);
		}

		@Override
		public List<HistoryEntry> history(String topic, int limit) {
			return LocalStateSyncTransport.this.history(topic, limit);
		}

	}

}
