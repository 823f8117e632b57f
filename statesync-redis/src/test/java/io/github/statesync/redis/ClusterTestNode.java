package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncOptions;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.cluster.RedisClusterClient;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One "JVM" on Redis Cluster or Sentinel: a Lettuce connection factory in cluster mode
 * (as Spring Boot builds it from {@code spring.data.redis.cluster.nodes}, no topology
 * refresh configured) or on Sentinel, a sharded or classic subscriber, a store announcing
 * in the same mode, and the handles of the topics it follows. It records every apply, to
 * tell a stale apply (a revision lower than one applied before) from a good one.
 */
final class ClusterTestNode implements SyncListener, AutoCloseable {

	final String id;

	final LettuceConnectionFactory connectionFactory;

	final JacksonSyncCodec codec = new JacksonSyncCodec();

	final InvalidationSubscriber subscriber;

	final RedisSnapshotStore store;

	final Map<String, SyncHandle<Settings>> handles = new ConcurrentHashMap<>();

	/** The highest revision applied to each topic. */
	final Map<String, Revision> applied = new ConcurrentHashMap<>();

	/**
	 * Applies of a revision lower than one applied before that no regression of the
	 * source explains: must stay empty.
	 */
	final List<String> staleApplies = new CopyOnWriteArrayList<>();

	/** Fetches the engine retried, because the snapshot was older than announced. */
	final AtomicLong retries = new AtomicLong();

	final AtomicLong applies = new AtomicLong();

	/** Applies of a revision lower than one applied before, reported as regressions. */
	final AtomicLong followedRegressions = new AtomicLong();

	final List<SyncError> errors = new CopyOnWriteArrayList<>();

	private final @Nullable RedisReplicaReader replicaReader;

	private final Map<String, AtomicInteger> refreshes = new ConcurrentHashMap<>();

	ClusterTestNode(String id, String nodes, RedisPubSubMode mode) {
		this(id, nodes, mode, null);
	}

	ClusterTestNode(String id, String nodes, RedisPubSubMode mode, @Nullable ReadFrom readFrom) {
		this(id, new LettuceConnectionFactory(new RedisClusterConfiguration(Arrays.asList(nodes.split(","))),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build()), mode, readFrom);
	}

	/**
	 * Create a node on Redis Cluster that logs in as an ACL user.
	 */
	static ClusterTestNode withUser(String id, String nodes, RedisPubSubMode mode, String username, String password) {
		RedisClusterConfiguration configuration = new RedisClusterConfiguration(Arrays.asList(nodes.split(",")));
		configuration.setUsername(username);
		configuration.setPassword(password);
		return new ClusterTestNode(id,
				new LettuceConnectionFactory(configuration,
						LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build()),
				mode, null);
	}

	/**
	 * Create a node on Redis Sentinel, with the classic subscriber.
	 */
	static ClusterTestNode sentinel(String id, String masterName, String sentinels) {
		RedisSentinelConfiguration configuration = new RedisSentinelConfiguration(masterName,
				new HashSet<>(Arrays.asList(sentinels.split(","))));
		return new ClusterTestNode(id,
				new LettuceConnectionFactory(configuration,
						LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build()),
				RedisPubSubMode.CLASSIC, null);
	}

	private ClusterTestNode(String id, LettuceConnectionFactory connectionFactory, RedisPubSubMode mode,
			@Nullable ReadFrom readFrom) {
		this.id = id;
		this.connectionFactory = connectionFactory;
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.subscriber = (mode == RedisPubSubMode.SHARDED)
				? RedisShardedInvalidationSubscriber.create(this.connectionFactory, this.codec, RedisTopicKeys.DEFAULT,
						PubSubLiveness.DEFAULT)
				: RedisInvalidationSubscriber.create(this.connectionFactory, this.codec, RedisTopicKeys.DEFAULT);
		this.replicaReader = (readFrom != null) ? RedisReplicaReader
			.create((RedisClusterClient) this.connectionFactory.getRequiredNativeClient(), readFrom) : null;
		this.store = new RedisSnapshotStore(this.connectionFactory, this.codec, RedisTopicKeys.DEFAULT, id,
				Clock.systemUTC(), Duration.ofSeconds(2), (topic) -> this.codec.maxPayloadBytes(), (topic) -> 0, mode,
				this.replicaReader);
	}

	RedisShardedInvalidationSubscriber sharded() {
		return (RedisShardedInvalidationSubscriber) this.subscriber;
	}

	/**
	 * Follow a topic; the returned future completes once its handle started.
	 */
	CompletableFuture<Void> follow(String topic) {
		SyncHandle<Settings> handle = SyncHandle
			.<Settings>builder(topic, this.subscriber, this.store.provider(Settings.class, this.codec), (snapshot) -> {
				this.applies.incrementAndGet();
				this.applied.compute(topic, (key, previous) -> {
					if (previous != null && snapshot.revision().compareTo(previous) < 0) {
						// allowed only where the source went back (a failover to a
						// replica
						// that missed writes), which the handle reports before it follows
						if (!regressed(topic, snapshot.revision())) {
							this.staleApplies.add(topic + ": " + snapshot.revision() + " after " + previous);
						}
						this.followedRegressions.incrementAndGet();
					}
					return snapshot.revision();
				});
			})
			.options(SyncOptions.DEFAULTS.withFailStartOnError(false))
			.listener(this)
			.build();
		this.handles.put(topic, handle);
		return handle.start();
	}

	private boolean regressed(String topic, Revision snapshot) {
		return this.errors.stream()
			.anyMatch((error) -> error.topic().equals(topic) && error.phase() == SyncPhase.REGRESSION
					&& snapshot.equals(error.snapshotRevision()));
	}

	Revision revision(String topic) {
		SyncHandle<Settings> handle = this.handles.get(topic);
		return (handle != null) ? handle.localRevision() : Revision.ZERO;
	}

	/**
	 * Return how many refreshes (each at least one fetch) a topic's handle ended.
	 */
	int refreshes(String topic) {
		AtomicInteger count = this.refreshes.get(topic);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public void onRefresh(String topic, RefreshOutcome outcome, long durationNanos) {
		this.refreshes.computeIfAbsent(topic, (key) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public void onRetry(String topic, SyncError error) {
		this.retries.incrementAndGet();
	}

	@Override
	public void onError(SyncError error) {
		this.errors.add(error);
	}

	@Override
	public void close() {
		this.handles.values().forEach((handle) -> quietly(handle::stop));
		if (this.subscriber instanceof AutoCloseable closeable) {
			quietly(() -> {
				try {
					closeable.close();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
		}
		if (this.replicaReader != null) {
			quietly(this.replicaReader::close);
		}
		quietly(this.connectionFactory::destroy);
	}

	private static void quietly(Runnable action) {
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			System.err.println("Closing a cluster test node: " + ex);
		}
	}

}
