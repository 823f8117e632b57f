package io.github.statesync.boot.transport;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.github.statesync.boot.reconcile.TopicRevisions;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.redis.PubSubLiveness;
import io.github.statesync.redis.RedisInvalidationSubscriber;
import io.github.statesync.redis.RedisPubSubMode;
import io.github.statesync.redis.RedisPubSubSubscriber;
import io.github.statesync.redis.RedisReplicaReader;
import io.github.statesync.redis.RedisShardedInvalidationSubscriber;
import io.github.statesync.redis.RedisSnapshotStore;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.redis.RedisTopology;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Redis pub/sub for invalidations and Redis for snapshots: classic pub/sub on one
 * connection for every topic, or, on Redis Cluster, sharded pub/sub on one connection per
 * shard.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisStateSyncTransport implements StateSyncTransport, TopicRevisions {

	private final RedisPubSubSubscriber subscriber;

	private final @Nullable RedisReplicaReader replicaReader;

	private final RedisSnapshotStore store;

	private final JsonMapper mapper;

	private final int maxNestingDepth;

	private final @Nullable String nodeId;

	private final Map<Integer, JacksonSyncCodec> codecs = new ConcurrentHashMap<>();

	/** The settings of the topics followed, whose limits the publisher applies too. */
	private final Map<String, TopicSettings> followed = new ConcurrentHashMap<>();

	private final int defaultPayloadLimit;

	private final int defaultInlineLimit;

	/**
	 * Create the transport and start its pub/sub listener container.
	 * @param connectionFactory the Redis connections (must also be reactive, as Lettuce's
	 * is)
	 * @param mapper the mapper for snapshot data
	 * @param keys where topics live
	 * @param nodeId this node's id, or {@code null}
	 * @param maxPayloadBytes the default payload limit
	 * @param inlineMaxBytes the default largest data carried inline in invalidations
	 * @param maxNestingDepth the deepest accepted JSON nesting
	 * @param publishTimeout how long a publish waits for Redis
	 * @param liveness how often the pub/sub connection proves it is alive
	 * @param containerCustomizer customizes the pub/sub listener container before it
	 * starts
	 */
	public RedisStateSyncTransport(RedisConnectionFactory connectionFactory, JsonMapper mapper, RedisTopicKeys keys,
			@Nullable String nodeId, int maxPayloadBytes, int inlineMaxBytes, int maxNestingDepth,
			Duration publishTimeout, PubSubLiveness liveness,
			Consumer<RedisMessageListenerContainer> containerCustomizer) {
		this(connectionFactory, mapper, keys, nodeId, maxPayloadBytes, inlineMaxBytes, maxNestingDepth, publishTimeout,
				liveness, containerCustomizer, RedisPubSubMode.CLASSIC, false);
	}

	/**
	 * Create the transport for a pub/sub mode: classic pub/sub runs on a listener
	 * container of its own (started here), sharded pub/sub on the Redis Cluster client of
	 * the connection factory, one pub/sub connection per shard.
	 * @param connectionFactory the Redis connections (must also be reactive, as Lettuce's
	 * is; a Lettuce factory in cluster mode for sharded pub/sub and replica reads)
	 * @param mapper the mapper for snapshot data
	 * @param keys where topics live
	 * @param nodeId this node's id, or {@code null}
	 * @param maxPayloadBytes the default payload limit
	 * @param inlineMaxBytes the default largest data carried inline in invalidations
	 * @param maxNestingDepth the deepest accepted JSON nesting
	 * @param publishTimeout how long a publish waits for Redis
	 * @param liveness how often the pub/sub connections prove they are alive
	 * @param containerCustomizer customizes the classic pub/sub listener container before
	 * it starts
	 * @param pubSubMode how invalidations are announced and received
	 * @param replicaReads whether snapshots are read from Redis Cluster replicas when
	 * available (writes and revisions stay on the masters)
	 * @since 0.1.0
	 */
	public RedisStateSyncTransport(RedisConnectionFactory connectionFactory, JsonMapper mapper, RedisTopicKeys keys,
			@Nullable String nodeId, int maxPayloadBytes, int inlineMaxBytes, int maxNestingDepth,
			Duration publishTimeout, PubSubLiveness liveness,
			Consumer<RedisMessageListenerContainer> containerCustomizer, RedisPubSubMode pubSubMode,
			boolean replicaReads) {
		if (!(connectionFactory instanceof org.springframework.data.redis.connection.ReactiveRedisConnectionFactory reactive)) {
			throw new IllegalArgumentException(
					"statesync needs a reactive-capable Redis connection factory (Lettuce), got "
							+ connectionFactory.getClass().getName());
		}
		this.mapper = mapper;
		this.nodeId = nodeId;
		this.maxNestingDepth = maxNestingDepth;
		this.defaultPayloadLimit = maxPayloadBytes;
		this.defaultInlineLimit = inlineMaxBytes;
		JacksonSyncCodec codec = codec(maxPayloadBytes);
		if ((pubSubMode == RedisPubSubMode.SHARDED || replicaReads)
				&& !RedisTopology.isLettuceCluster(connectionFactory)) {
			throw new IllegalArgumentException(
					"sharded pub/sub and replica reads need a Lettuce connection factory in Redis Cluster mode");
		}
		this.subscriber = (pubSubMode == RedisPubSubMode.SHARDED)
				? RedisShardedInvalidationSubscriber.create(connectionFactory, codec, keys, liveness)
				: RedisInvalidationSubscriber.create(connectionFactory, codec, keys, containerCustomizer, liveness);
		this.replicaReader = replicaReads ? RedisReplicaReader.replicaPreferred(connectionFactory) : null;
		this.store = new RedisSnapshotStore(reactive, codec, keys, nodeId, Clock.systemUTC(), publishTimeout,
				(topic) -> {
					TopicSettings settings = this.followed.get(topic);
					return (settings != null) ? settings.maxPayloadBytes() : this.defaultPayloadLimit;
				}, (topic) -> {
					TopicSettings settings = this.followed.get(topic);
					return (settings != null) ? settings.inlineMaxBytes() : this.defaultInlineLimit;
				}, pubSubMode, this.replicaReader);
		// once per transport, in the background: never fails or delays start
		this.store.checkEvictionPolicy();
	}

	/**
	 * Return how this transport announces and receives invalidations.
	 * @return the pub/sub mode
	 * @since 0.1.0
	 */
	public RedisPubSubMode pubSubMode() {
		return this.store.pubSubMode();
	}

	/**
	 * Return whether snapshots are read through a reader of the transport's own (from
	 * replicas).
	 * @return {@code true} if replica reads are on
	 * @since 0.1.0
	 */
	public boolean readsFromReplicas() {
		return this.replicaReader != null;
	}

	/**
	 * Return the sharded subscriber, when invalidations travel over sharded pub/sub.
	 * @return the sharded subscriber, or {@code null} in classic mode
	 * @since 0.1.0
	 */
	public @Nullable RedisShardedInvalidationSubscriber shardedSubscriber() {
		return (this.subscriber instanceof RedisShardedInvalidationSubscriber sharded) ? sharded : null;
	}

	private JacksonSyncCodec codec(int maxPayloadBytes) {
		return this.codecs.computeIfAbsent(maxPayloadBytes,
				(limit) -> new JacksonSyncCodec(this.mapper, limit, this.maxNestingDepth));
	}

	/**
	 * Return this node's id, the source of its invalidations and its name in the fleet
	 * view.
	 * @return the node id, or {@code null} if none was given
	 */
	@Override
	public @Nullable String nodeId() {
		return this.nodeId;
	}

	@Override
	public String name() {
		return "redis";
	}

	@Override
	public InvalidationSubscriber subscriber() {
		return this.subscriber;
	}

	@Override
	public StatePublisher publisher() {
		return this.store;
	}

	@Override
	public SnapshotProvider<JsonNode> provider(TopicSettings settings) {
		this.followed.put(settings.topic(), settings);
		return this.store.provider(JsonNode.class, codec(settings.maxPayloadBytes()));
	}

	/**
	 * Read the revisions of topics from Redis: one pipelined {@code MGET} per thousand
	 * topics.
	 * @param topics the topics
	 * @return the revision of every topic Redis holds one of
	 */
	@Override
	public CompletableFuture<Map<String, Revision>> revisions(Collection<String> topics) {
		return this.store.revisions(topics);
	}

	/**
	 * Return whether invalidations of every topic can arrive: the pub/sub connection is
	 * up and Redis refuses none of the topics' channels.
	 * @return {@code true} if connected and no subscription is refused
	 */
	@Override
	public boolean isConnected() {
		return isPubSubConnected() && !hasRefusedSubscriptions();
	}

	/**
	 * Return whether the pub/sub connection is up, whatever Redis answers about each
	 * channel ({@link #subscriptionFailure(String)}). Read from memory.
	 * @return {@code true} if the pub/sub connection is up
	 */
	public boolean isPubSubConnected() {
		return this.subscriber.isConnected();
	}

	private boolean hasRefusedSubscriptions() {
		return this.subscriber.hasRefusedSubscriptions();
	}

	/**
	 * Return why Redis refuses the topic's subscription (for example {@code NOPERM}: the
	 * ACL user has no right to its channel), if it does. Read from memory.
	 * @param topic the topic
	 * @return the refusal naming the server's answer and the fix, or {@code null}
	 */
	public @Nullable String subscriptionFailure(String topic) {
		return this.subscriber.subscriptionFailure(topic);
	}

	/**
	 * Return how many times the pub/sub connection did not answer its liveness probe in
	 * time and was dropped, reconnected and every topic resynced: a count that grows
	 * means connections go half-open between this node and Redis. Read from memory.
	 * @return the count since the transport started
	 */
	public long pubSubLivenessFailures() {
		return this.subscriber.livenessFailures();
	}

	@Override
	public void close() {
		this.subscriber.close();
		this.store.close();
		if (this.replicaReader != null) {
			this.replicaReader.close();
		}
	}

}
