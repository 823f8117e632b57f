package io.github.statesync.redis;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;

import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.HistoryRecords;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.HistoryStore;
import io.github.statesync.core.history.WriteMetadata;
import io.github.statesync.core.history.WriteReceipt;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.core.spi.SnapshotMissingException;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.SyncCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisElementReader;
import org.springframework.data.redis.serializer.RedisElementWriter;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Topic snapshots in Redis: read them ({@link #provider(Type)}) and write them atomically
 * ({@link StatePublisher}). A write is one Lua script that bumps the topic's revision,
 * stores the new envelope and publishes the invalidation, so no reader can see an
 * invalidation before its snapshot, nor a snapshot without its revision. A topic's first
 * revision is seeded from the Redis server clock in microseconds, so revisions keep
 * increasing even after Redis loses its data. A topic that keeps history ({@link #write})
 * has its last snapshots recorded by the same script, bounded by count and bytes, under
 * {@link RedisTopicKeys#historyKey(String)}.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisSnapshotStore implements StatePublisher, HistoryStore, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisSnapshotStore.class);

	/**
	 * Where the write script is on the class path ({@link RedisRuntimeHints} keeps it in
	 * a native image).
	 */
	static final String PUBLISH_SCRIPT_LOCATION = "io/github/statesync/redis/publish.lua";

	private static final RedisScript<String> PUBLISH_SCRIPT = RedisScript
		.of(new ClassPathResource(PUBLISH_SCRIPT_LOCATION), String.class);

	private static final String REVISION_MARKER = "\"revision\":\"0\"";

	private static final String CONFLICT_PREFIX = "!";

	private static final WriteMetadata DEFAULT_PUBLISH = new WriteMetadata(HistoryEntry.Operation.PUBLISH, null, null,
			HistoryRetention.NONE);

	private static final WriteMetadata DEFAULT_COMPARE_AND_SET = new WriteMetadata(
			HistoryEntry.Operation.COMPARE_AND_SET, null, null, HistoryRetention.NONE);

	/**
	 * {@code {"revision":"<at most 20 digits>","data":} and the closing brace around the
	 * data.
	 */
	private static final int ENVELOPE_OVERHEAD = 43;

	private static final int MAX_REVISION_DIGITS = 20;

	/**
	 * The most keys read by one {@code MGET}: large enough that 10,000 topics cost ten
	 * commands, small enough that no reply blocks Redis for long.
	 */
	public static final int REVISIONS_BATCH_SIZE = 1_000;

	/** {@code ,"data":} in an event that carries its data inline. */
	private static final int INLINE_OVERHEAD = 8;

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final SyncCodec codec;

	private final RedisTopicKeys keys;

	private final @Nullable String sourceId;

	private final Clock clock;

	private final Duration timeout;

	private final ToIntFunction<String> payloadLimits;

	private final ToIntFunction<String> inlineLimits;

	private final String user;

	private final RedisPubSubMode pubSubMode;

	private final @Nullable RedisReplicaReader snapshotReader;

	/**
	 * Snapshot reads as plain asynchronous {@code GET}s when the factory is Lettuce's and
	 * no snapshot reader is given, else {@code null} (reads go through the template).
	 */
	private final @Nullable LettuceSnapshotReads lettuceReads;

	private final ClusterTopologyRefresh topology;

	/**
	 * The last refusal logged, so that a refusal is logged once, not once per publish.
	 */
	private final AtomicReference<@Nullable String> lastRefusal = new AtomicReference<>();

	/**
	 * Create a store.
	 * @param connectionFactory the connections to use (reads are asynchronous)
	 * @param codec the codec for snapshots and events
	 * @param keys where topics live
	 * @param sourceId this node's id, sent with every invalidation, or {@code null}
	 * @param clock the clock for event timestamps
	 * @param timeout how long a blocking publish waits for Redis
	 */
	public RedisSnapshotStore(ReactiveRedisConnectionFactory connectionFactory, SyncCodec codec, RedisTopicKeys keys,
			@Nullable String sourceId, Clock clock, Duration timeout) {
		this(connectionFactory, codec, keys, sourceId, clock, timeout, (topic) -> codec.maxPayloadBytes());
	}

	/**
	 * Create a store whose topics may have payload limits of their own.
	 * @param connectionFactory the connections to use (reads are asynchronous)
	 * @param codec the codec for snapshots and events
	 * @param keys where topics live
	 * @param sourceId this node's id, sent with every invalidation, or {@code null}
	 * @param clock the clock for event timestamps
	 * @param timeout how long a blocking publish waits for Redis
	 * @param payloadLimits the largest snapshot, in bytes, readers of each topic accept;
	 * a publish over it is refused, since no reader would apply it
	 */
	public RedisSnapshotStore(ReactiveRedisConnectionFactory connectionFactory, SyncCodec codec, RedisTopicKeys keys,
			@Nullable String sourceId, Clock clock, Duration timeout, ToIntFunction<String> payloadLimits) {
		this(connectionFactory, codec, keys, sourceId, clock, timeout, payloadLimits, (topic) -> 0);
	}

	/**
	 * Create a store whose topics may have payload limits of their own and may carry
	 * small snapshots inline in their invalidations.
	 * @param connectionFactory the connections to use (reads are asynchronous)
	 * @param codec the codec for snapshots and events
	 * @param keys where topics live
	 * @param sourceId this node's id, sent with every invalidation, or {@code null}
	 * @param clock the clock for event timestamps
	 * @param timeout how long a blocking publish waits for Redis
	 * @param payloadLimits the largest snapshot, in bytes, readers of each topic accept;
	 * a publish over it is refused, since no reader would apply it
	 * @param inlineLimits the largest data, in bytes as JSON, that a publish of each
	 * topic also carries inside its invalidation ({@code 0}: never), so readers apply it
	 * without a fetch; the snapshot is stored as always
	 */
	public RedisSnapshotStore(ReactiveRedisConnectionFactory connectionFactory, SyncCodec codec, RedisTopicKeys keys,
			@Nullable String sourceId, Clock clock, Duration timeout, ToIntFunction<String> payloadLimits,
			ToIntFunction<String> inlineLimits) {
		this(connectionFactory, codec, keys, sourceId, clock, timeout, payloadLimits, inlineLimits,
				RedisPubSubMode.CLASSIC, null);
	}

	/**
	 * Create a store that announces writes in the given pub/sub mode and may read
	 * snapshots through a reader of its own (for example from replicas).
	 * @param connectionFactory the connections to use (reads are asynchronous)
	 * @param codec the codec for snapshots and events
	 * @param keys where topics live
	 * @param sourceId this node's id, sent with every invalidation, or {@code null}
	 * @param clock the clock for event timestamps
	 * @param timeout how long a blocking publish waits for Redis
	 * @param payloadLimits the largest snapshot, in bytes, readers of each topic accept
	 * @param inlineLimits the largest data, in bytes as JSON, that a publish of each
	 * topic also carries inside its invalidation ({@code 0}: never)
	 * @param pubSubMode how a write is announced: {@code PUBLISH} or {@code SPUBLISH}
	 * (both from inside the write's script, on the topic's shard)
	 * @param snapshotReader reads snapshots instead of the connection factory, or
	 * {@code null} to read them through the connection factory; revisions and writes
	 * always go through the connection factory
	 * @since 0.1.0
	 */
	public RedisSnapshotStore(ReactiveRedisConnectionFactory connectionFactory, SyncCodec codec, RedisTopicKeys keys,
			@Nullable String sourceId, Clock clock, Duration timeout, ToIntFunction<String> payloadLimits,
			ToIntFunction<String> inlineLimits, RedisPubSubMode pubSubMode,
			@Nullable RedisReplicaReader snapshotReader) {
		RedisSerializationContext<String, byte[]> context = RedisSerializationContext
			.<String, byte[]>newSerializationContext(RedisSerializer.string())
			.value(RedisSerializer.byteArray())
			.build();
		this.redis = new ReactiveRedisTemplate<>(connectionFactory, context);
		this.codec = Objects.requireNonNull(codec, "codec must not be null");
		this.keys = Objects.requireNonNull(keys, "keys must not be null");
		this.sourceId = sourceId;
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
		this.payloadLimits = Objects.requireNonNull(payloadLimits, "payloadLimits must not be null");
		this.inlineLimits = Objects.requireNonNull(inlineLimits, "inlineLimits must not be null");
		this.user = RedisFailures.user(connectionFactory);
		this.pubSubMode = Objects.requireNonNull(pubSubMode, "pubSubMode must not be null");
		this.topology = new ClusterTopologyRefresh(connectionFactory);
		this.snapshotReader = snapshotReader;
		this.lettuceReads = (snapshotReader == null && connectionFactory instanceof LettuceConnectionFactory lettuce)
				? new LettuceSnapshotReads(lettuce) : null;
	}

	/**
	 * Release the connection snapshot reads hold, if they hold one of their own (a
	 * Lettuce factory whose native connection is not shared); the factory's shared
	 * connection stays the factory's. Fetches after this fail. Idempotent.
	 * @since 0.1.0
	 */
	@Override
	public void close() {
		if (this.lettuceReads != null) {
			this.lettuceReads.close();
		}
	}

	/**
	 * Return how this store announces writes.
	 * @return the pub/sub mode
	 * @since 0.1.0
	 */
	public RedisPubSubMode pubSubMode() {
		return this.pubSubMode;
	}

	/**
	 * Return a provider that fetches topic snapshots from Redis, binding their data to
	 * the given type. A topic never written answers {@code null} to a caller that holds
	 * nothing; to a caller that holds a revision, a topic whose snapshot is gone
	 * (evicted, deleted, flushed, Redis restarted without persistence) fails the fetch
	 * with a {@link SnapshotMissingException}, so the loss is reported rather than taken
	 * for "nothing newer". A read Redis refuses fails with a message naming its answer.
	 * @param <T> the type of the data
	 * @param dataType the type to bind the data to
	 * @return the provider
	 */
	public <T> SnapshotProvider<T> provider(Type dataType) {
		return provider(dataType, this.codec);
	}

	/**
	 * Return a provider that decodes with its own codec (for example with another payload
	 * limit). With a Lettuce connection factory a fetch is one asynchronous {@code GET}
	 * on a connection of the factory's kept for every read (see {@link #close()}); with
	 * another reactive factory it goes through a {@code ReactiveRedisTemplate}. Its
	 * futures complete, decoded, on the thread that completes the read (the Redis
	 * client's I/O thread); where a snapshot is applied is the sync handle's business.
	 * Each envelope carries the size it was read at
	 * ({@link SnapshotEnvelope#encodedSize()}) when the codec records it.
	 * @param <T> the type of the data
	 * @param dataType the type to bind the data to
	 * @param codec the codec that decodes snapshots
	 * @return the provider
	 */
	public <T> SnapshotProvider<T> provider(Type dataType, SyncCodec codec) {
		return new StoreProvider<>(dataType, Objects.requireNonNull(codec, "codec must not be null"));
	}

	@Override
	public Revision publish(String topic, Object data) {
		return publish(topic, data, SnapshotEnvelope.UNVERSIONED);
	}

	@Override
	public PublishResult publishIfCurrent(String topic, Revision expected, Object data) {
		return publishIfCurrent(topic, expected, data, SnapshotEnvelope.UNVERSIONED);
	}

	/**
	 * Publish new state unconditionally; a schema version above 1 is stored as the
	 * envelope's {@code schemaVersion} member, and such a publish never carries its data
	 * inside the invalidation (readers fetch the envelope, which says the version).
	 */
	@Override
	public Revision publish(String topic, Object data, int schemaVersion) {
		return write(topic, data, null, DEFAULT_PUBLISH.withSchemaVersion(schemaVersion)).revision();
	}

	/**
	 * Publish new state if the topic is still at the expected revision; a schema version
	 * above 1 is stored as the envelope's {@code schemaVersion} member.
	 */
	@Override
	public PublishResult publishIfCurrent(String topic, Revision expected, Object data, int schemaVersion) {
		WriteReceipt receipt = write(topic, data, expected, DEFAULT_COMPARE_AND_SET.withSchemaVersion(schemaVersion));
		return new PublishResult(receipt.published(), receipt.revision());
	}

	/**
	 * Write a topic's new state in one script, recording it in the topic's history list
	 * when the metadata's retention keeps any (see {@link HistoryStore#write}).
	 */
	@Override
	public WriteReceipt write(String topic, Object data, @Nullable Revision expected, WriteMetadata metadata) {
		byte[] json = this.codec.encodeData(data);
		String digest = HistoryRecords.digest(json);
		String result = await(topic, publishAsync(topic, json, expected, metadata, digest),
				metadata.retention().isEnabled());
		if (result.startsWith(CONFLICT_PREFIX)) {
			return new WriteReceipt(false, Revision.parse(result.substring(CONFLICT_PREFIX.length())), null,
					json.length, digest);
		}
		int space = result.indexOf(' ');
		return new WriteReceipt(true, Revision.parse(result.substring(0, space)),
				Revision.parse(result.substring(space + 1)), json.length, digest);
	}

	/**
	 * Read the newest entries of a topic's history: one {@code LRANGE}.
	 * @throws PublishException if Redis cannot be read, naming its answer
	 * @throws IllegalArgumentException if the limit is below 1
	 */
	@Override
	public List<HistoryEntry> history(String topic, int limit) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be at least 1, was " + limit);
		}
		String key = this.keys.historyKey(topic);
		CompletableFuture<List<byte[]>> read = this.redis.opsForList()
			.range(key, 0, (limit == Integer.MAX_VALUE) ? -1 : limit - 1)
			.collectList()
			.toFuture();
		List<byte[]> stored;
		try {
			stored = read.orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS).join();
		}
		catch (RuntimeException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			String reply = RedisFailures.serverReply(cause);
			throw new PublishException(
					(reply != null) ? PublishException.Reason.REFUSED
							: RedisFailures.isTimeout(cause) ? PublishException.Reason.TIMEOUT
									: PublishException.Reason.UNAVAILABLE,
					"Reading the history of topic '" + topic + "' (LRANGE " + key + ") failed: "
							+ ((reply != null) ? reply + RedisFailures.advice(reply, this.user, this.keys)
									: RedisFailures.describe(cause)),
					cause);
		}
		List<HistoryEntry> entries = new ArrayList<>(stored.size());
		for (byte[] entry : stored) {
			try {
				entries.add(HistoryRecords.parse(new String(entry, StandardCharsets.UTF_8)));
			}
			catch (ProtocolException ex) {
				logger.debug("Skipping an entry of the history of topic '{}': {}", topic, ex.getMessage());
			}
		}
		return entries;
	}

	/**
	 * Publish without blocking.
	 * @param topic the topic
	 * @param data the new state
	 * @return the revision it was stored at; it fails with a {@link PublishException}
	 * naming the reason
	 * @throws PublishException with {@link PublishException.Reason#TOO_LARGE} if the
	 * state is over the topic's payload limit
	 */
	public CompletableFuture<Revision> publishAsync(String topic, Object data) {
		byte[] json = this.codec.encodeData(data);
		return publishAsync(topic, json, null, DEFAULT_PUBLISH, "").handle((revision, failure) -> {
			if (failure != null) {
				throw new CompletionException(publishFailure(topic, false,
						(failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
								: failure));
			}
			int space = revision.indexOf(' ');
			return Revision.parse((space > 0) ? revision.substring(0, space) : revision);
		});
	}

	private CompletableFuture<String> publishAsync(String topic, byte[] json, @Nullable Revision expected,
			WriteMetadata metadata, String digest) {
		byte[] envelopeMembers = bytes(SnapshotEnvelope.schemaVersionMember(metadata.schemaVersion()));
		int limit = this.payloadLimits.applyAsInt(topic);
		int overhead = ENVELOPE_OVERHEAD + envelopeMembers.length;
		if (json.length + overhead > limit) {
			throw new PublishException(PublishException.Reason.TOO_LARGE,
					"State of topic '" + topic + "' is " + json.length + " bytes as JSON, " + (json.length + overhead)
							+ " bytes with its envelope: over the topic's payload limit of " + limit
							+ " bytes, which its readers enforce too (with Spring Boot: 'statesync.topics." + topic
							+ ".max-payload-size' or 'statesync.defaults.max-payload-size')",
					null);
		}
		String event = new String(
				this.codec.encodeEvent(new InvalidationEvent(topic, Revision.ZERO, this.sourceId, this.clock.millis())),
				StandardCharsets.UTF_8);
		int marker = event.indexOf(REVISION_MARKER);
		if (marker < 0 || marker != event.lastIndexOf(REVISION_MARKER)) {
			throw new IllegalStateException("Codec wrote an event without a single " + REVISION_MARKER + ": " + event);
		}
		int valueStart = marker + REVISION_MARKER.length() - 2;
		byte[] eventHead = bytes(event.substring(0, valueStart));
		byte[] eventTail = bytes(event.substring(valueStart + 1));
		// the event must also fit the limit of the codec that subscribers decode every
		// topic's events with, which may be smaller than this topic's
		int eventLimit = Math.min(limit, this.codec.maxPayloadBytes());
		// inline data carries no schema version: only unversioned data travels inline
		if (envelopeMembers.length == 0
				&& json.length <= this.inlineLimits.applyAsInt(topic) && eventHead.length + MAX_REVISION_DIGITS
						+ eventTail.length + INLINE_OVERHEAD + json.length <= eventLimit
				&& eventTail.length > 0 && eventTail[eventTail.length - 1] == '}') {
			eventTail = inline(eventTail, json);
		}
		List<byte[]> args = new ArrayList<>(List.of(bytes(this.keys.channel(topic)), json, eventHead, eventTail,
				bytes((expected != null) ? expected.toString() : ""), bytes(this.pubSubMode.publishCommand()),
				envelopeMembers));
		List<String> scriptKeys = new ArrayList<>(List.of(this.keys.revisionKey(topic), this.keys.snapshotKey(topic)));
		HistoryRetention retention = metadata.retention();
		if (retention.isEnabled()) {
			args.add(bytes(Integer.toString(retention.maxEntries())));
			args.add(bytes(Long.toString(retention.maxBytes())));
			args.add(bytes(HistoryRecords.writerFields(json.length,
					digest.isEmpty() ? HistoryRecords.digest(json) : digest, metadata, this.sourceId)));
			scriptKeys.add(this.keys.historyKey(topic));
			scriptKeys.add(this.keys.historySizeKey(topic));
		}
		return this.redis
			.execute(PUBLISH_SCRIPT, scriptKeys, args, RedisElementWriter.from(RedisSerializer.byteArray()),
					RedisElementReader.from(RedisSerializer.string()))
			.next()
			.toFuture();
	}

	private String await(String topic, CompletableFuture<String> result, boolean history) {
		try {
			String revision = result.orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS).join();
			this.lastRefusal.set(null);
			return revision;
		}
		catch (RuntimeException ex) {
			throw publishFailure(topic, history, (ex.getCause() != null) ? ex.getCause() : ex);
		}
	}

	/**
	 * Name what went wrong: the server's answer when Redis refused the write (a refusal
	 * is also logged once, until it changes, as the caller may not log it), else whether
	 * Redis could not be reached or did not answer in time.
	 */
	private PublishException publishFailure(String topic, boolean history, Throwable failure) {
		if (failure instanceof PublishException publishException) {
			return publishException;
		}
		String reply = RedisFailures.serverReply(failure);
		if (reply != null) {
			String message = "Redis refused the publish of topic '" + topic + "' (" + reply + ")"
					+ RedisFailures.advice(reply, this.user, this.keys)
					+ ((this.pubSubMode == RedisPubSubMode.SHARDED && "NOPERM".equals(RedisFailures.code(reply)))
							? " (with sharded pub/sub: +spublish rather than +publish, and +ssubscribe +sunsubscribe "
									+ "for readers)"
							: "")
					+ ((history && "NOPERM".equals(RedisFailures.code(reply)))
							? "; the topic keeps history, which also needs +llen +lpush +rpop +incrby +decrby +lrange "
									+ this.keys.historyKey("*") + " and " + this.keys.historySizeKey("*")
									+ " (~ key patterns; docs/history.md)"
							: "");
			if (!reply.equals(this.lastRefusal.getAndSet(reply))) {
				logger.warn("{}; further refusals are not logged until the reason changes", message);
			}
			return new PublishException(PublishException.Reason.REFUSED, message, failure);
		}
		this.topology.afterFailure();
		if (RedisFailures.isTimeout(failure)) {
			return new PublishException(PublishException.Reason.TIMEOUT,
					"Publishing topic '" + topic + "' got no answer from Redis within " + this.timeout.toMillis()
							+ " ms: the write may or may not have happened (publishing again is safe): "
							+ RedisFailures.describe(failure),
					failure);
		}
		return new PublishException(PublishException.Reason.UNAVAILABLE,
				"Publishing topic '" + topic + "' failed, Redis is unavailable: " + RedisFailures.describe(failure),
				failure);
	}

	/**
	 * Put the data into the event, as its last member: {@code ...,"data":<json>}}.
	 */
	private static byte[] inline(byte[] eventTail, byte[] json) {
		byte[] member = bytes(",\"data\":");
		byte[] inlined = new byte[eventTail.length - 1 + member.length + json.length + 1];
		System.arraycopy(eventTail, 0, inlined, 0, eventTail.length - 1);
		System.arraycopy(member, 0, inlined, eventTail.length - 1, member.length);
		System.arraycopy(json, 0, inlined, eventTail.length - 1 + member.length, json.length);
		inlined[inlined.length - 1] = '}';
		return inlined;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A read that Redis refused names the server's answer (the exception Spring Data
	 * Redis throws says only {@code Error in execution} or
	 * {@code Unable to connect to Redis}).
	 */
	private Throwable fetchFailure(String topic, String key, Throwable failure) {
		String reply = RedisFailures.serverReply(failure);
		if (reply == null) {
			this.topology.afterFailure();
			return failure;
		}
		return new RedisSystemException("Redis refused the read of topic '" + topic + "' (GET " + key + "): " + reply
				+ RedisFailures.advice(reply, this.user, this.keys), failure);
	}

	/**
	 * Read the current revision of many topics, without reading their snapshots: one
	 * {@code MGET} of their revision keys per {@value #REVISIONS_BATCH_SIZE} topics, all
	 * sent at once on one connection (pipelined), so 10,000 topics cost ten commands and
	 * about one round trip. A reconciler compares the answer with what a node holds to
	 * find the invalidations it lost. The keys of one {@code MGET} are in different hash
	 * slots (every topic has its own hash tag): on Redis Cluster the client must split a
	 * batch per slot.
	 * @param topics the topics
	 * @return the revision of every topic whose revision key exists and holds a canonical
	 * revision; a topic whose key is missing (never written, or lost) is absent, and so
	 * is one whose key holds anything else (logged at debug level). The future fails if a
	 * read fails, naming Redis's answer when it refused.
	 */
	public CompletableFuture<Map<String, Revision>> revisions(Collection<String> topics) {
		List<String> names = List.copyOf(topics);
		if (names.isEmpty()) {
			return CompletableFuture.completedFuture(Map.of());
		}
		List<List<String>> batches = new ArrayList<>();
		for (int from = 0; from < names.size(); from += REVISIONS_BATCH_SIZE) {
			batches.add(names.subList(from, Math.min(names.size(), from + REVISIONS_BATCH_SIZE)));
		}
		// flatMapSequential subscribes to every batch at once (Lettuce pipelines them on
		// its shared connection) and keeps the answers in order
		return Flux.fromIterable(batches)
			.flatMapSequential((batch) -> this.redis.opsForValue()
				.multiGet(batch.stream().map(this.keys::revisionKey).toList())
				.map((values) -> revisions(batch, values)), batches.size())
			.onErrorMap(this::revisionsFailure)
			.collectList()
			.map((maps) -> {
				Map<String, Revision> all = new HashMap<>(names.size() * 4 / 3 + 1);
				maps.forEach(all::putAll);
				return all;
			})
			.toFuture();
	}

	private static Map<String, Revision> revisions(List<String> topics, List<byte[]> values) {
		Map<String, Revision> revisions = new HashMap<>(topics.size() * 4 / 3 + 1);
		for (int i = 0; i < topics.size() && i < values.size(); i++) {
			byte[] value = values.get(i);
			if (value == null) {
				continue;
			}
			String text = new String(value, StandardCharsets.US_ASCII);
			try {
				revisions.put(topics.get(i), Revision.parse(text));
			}
			catch (ProtocolException ex) {
				logger.debug("Revision key of topic '{}' holds no revision: {}", topics.get(i), ex.getMessage());
			}
		}
		return revisions;
	}

	private Throwable revisionsFailure(Throwable failure) {
		String reply = RedisFailures.serverReply(failure);
		if (reply == null) {
			return failure;
		}
		return new RedisSystemException(
				"Redis refused the read of topics' revisions (MGET of " + this.keys.revisionKey("<topic>") + " keys): "
						+ reply + RedisFailures.advice(reply, this.user, this.keys),
				failure);
	}

	/**
	 * Check, once, whether Redis may evict this store's keys, and log a warning if it
	 * can: with {@code maxmemory} set and a {@code maxmemory-policy} of
	 * {@code allkeys-lru}, {@code allkeys-lfu} or {@code allkeys-random}, a full Redis
	 * evicts any key, statesync's included, and nodes started afterwards start on their
	 * defaults while running ones keep the data. The {@code volatile-*} policies evict
	 * only keys with a time to live, which statesync's keys never have
	 * ({@code volatile-*} and {@code noeviction} refuse writes with {@code OOM} instead).
	 * A Redis that refuses {@code CONFIG GET} (an ACL user without {@code +config|get}, a
	 * managed service) is not checked: that is logged at debug level and never fails.
	 * @return the warning that was logged, or empty if the policy cannot evict
	 * statesync's keys or could not be read; the future never fails
	 */
	public CompletableFuture<Optional<String>> checkEvictionPolicy() {
		try {
			return this.redis.execute((connection) -> connection.serverCommands().getConfig("maxmemory*"))
				.next()
				.toFuture()
				.handle((config, failure) -> {
					if (failure != null || config == null) {
						logger.debug("Could not read Redis's maxmemory-policy, not checking whether it can evict "
								+ "statesync's keys: {}", (failure != null) ? failure.toString() : "no answer");
						return Optional.<String>empty();
					}
					String policy = config.getProperty("maxmemory-policy", "");
					String maxMemory = config.getProperty("maxmemory", "0");
					if (!policy.startsWith("allkeys-") || "0".equals(maxMemory)) {
						return Optional.<String>empty();
					}
					String warning = "Redis may evict statesync's keys: maxmemory-policy is " + policy
							+ " with maxmemory " + maxMemory + " bytes, so a full Redis deletes topics' snapshots "
							+ "and nodes started afterwards run on their defaults. Set maxmemory-policy to "
							+ "noeviction, or give statesync a Redis (or database) of its own";
					logger.warn(warning);
					return Optional.of(warning);
				});
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read Redis's maxmemory-policy: {}", ex.toString());
			return CompletableFuture.completedFuture(Optional.empty());
		}
	}

	/**
	 * Reads snapshots from the store, and binds the ones invalidations carry inline.
	 */
	private final class StoreProvider<T> implements SnapshotProvider<T> {

		private final Type dataType;

		private final SyncCodec codec;

		StoreProvider(Type dataType, SyncCodec codec) {
			this.dataType = dataType;
			this.codec = codec;
		}

		@Override
		public CompletableFuture<@Nullable SnapshotEnvelope<T>> fetch(String topic, Revision knownRevision) {
			String key = RedisSnapshotStore.this.keys.snapshotKey(topic);
			LettuceSnapshotReads lettuce = RedisSnapshotStore.this.lettuceReads;
			if (lettuce != null) {
				return decoded(lettuce.get(key), lettuce, topic, key, knownRevision);
			}
			RedisReplicaReader reader = RedisSnapshotStore.this.snapshotReader;
			if (reader != null) {
				return decoded(reader.get(key), null, topic, key, knownRevision);
			}
			return RedisSnapshotStore.this.redis.opsForValue()
				.get(key)
				.onErrorMap((ex) -> fetchFailure(topic, key, ex))
				.toFuture()
				.thenApply((payload) -> decode(topic, knownRevision, payload));
		}

		/**
		 * One stage on an asynchronous read: the failure is named, and the payload
		 * decoded, where the read completes.
		 * @param read the read
		 * @param lettuce names a failure of a Lettuce read as Spring Data Redis would, or
		 * {@code null} to take the read's own failure
		 */
		private CompletableFuture<@Nullable SnapshotEnvelope<T>> decoded(CompletableFuture<byte @Nullable []> read,
				@Nullable LettuceSnapshotReads lettuce, String topic, String key, Revision knownRevision) {
			return read.handle((payload, failure) -> {
				if (failure != null) {
					Throwable cause = (lettuce != null) ? lettuce.translate(failure)
							: (failure instanceof CompletionException && failure.getCause() != null)
									? failure.getCause() : failure;
					throw new CompletionException(fetchFailure(topic, key, cause));
				}
				return decode(topic, knownRevision, payload);
			});
		}

		private @Nullable SnapshotEnvelope<T> decode(String topic, Revision knownRevision, byte @Nullable [] payload) {
			if (payload != null) {
				return this.codec.<T>decodeSnapshot(payload, this.dataType);
			}
			if (!knownRevision.equals(Revision.ZERO)) {
				// a topic this node holds a revision of has no key: Redis lost it
				throw new SnapshotMissingException(topic, knownRevision);
			}
			return null;
		}

		@Override
		public @Nullable SnapshotEnvelope<T> inlineSnapshot(InvalidationEvent event) {
			Object data = event.data();
			return (data != null)
					? new SnapshotEnvelope<>(event.revision(), this.codec.bindInlineData(data, this.dataType)) : null;
		}

	}

}
