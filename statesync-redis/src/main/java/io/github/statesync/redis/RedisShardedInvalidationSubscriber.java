package io.github.statesync.redis;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.github.statesync.core.engine.RetryPolicy;
import io.github.statesync.core.engine.SyncScheduler;
import io.github.statesync.core.engine.SyncThreads;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.Subscription;
import io.github.statesync.core.spi.SyncCodec;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Delivers invalidations over Redis Cluster's sharded pub/sub ({@code SSUBSCRIBE}, Redis
 * 7+): each topic's channel is subscribed on the master that owns its hash slot, so a
 * write's {@code SPUBLISH} travels only inside that shard. One pub/sub connection per
 * shard carries every topic of that shard, whatever their number; a shard with no
 * followed topic has none.
 * <p>
 * Where each channel lives is read from the cluster client's current topology
 * ({@link RedisClusterClient#getPartitions()}), never from a copy taken at start, and the
 * topology is refreshed by the subscriber itself (not only by Lettuce's optional periodic
 * or adaptive refresh) whenever Redis says it changed: when a shard's connection drops (a
 * master died: its replica is promoted), when Redis unsubscribes a channel by itself with
 * {@code sunsubscribe} (its slot moved to another master), when a {@code SSUBSCRIBE} is
 * answered {@code MOVED}, and every {@link #TOPOLOGY_CHECK_INTERVAL} in case none of
 * these was seen. The channels concerned are then subscribed on their new owner and their
 * topics resync, since events may have been lost meanwhile.
 * <p>
 * Lettuce's cluster pub/sub connection sends {@code SSUBSCRIBE} to one node whatever the
 * slot, and resubscribes every shard channel of a connection in one command after a
 * reconnect, which Redis refuses ({@code CROSSSLOT}) as soon as they are in different
 * slots. So this subscriber opens its shard connections itself, with the cluster client's
 * resources, options, credentials and TLS, with Lettuce's automatic reconnect off: it
 * reconnects them, one {@code SSUBSCRIBE} per slot (all sent at once), to whichever
 * master owns each slot then.
 * <p>
 * Like {@link RedisInvalidationSubscriber}: subscriptions are made in batches in the
 * background, a channel Redis refuses ({@code NOPERM}) is reported to its topics once and
 * retried with the recovery back-off, and every shard connection is proved alive with a
 * {@code PING} as {@link PubSubLiveness} says and dropped (then reconnected) when it does
 * not answer.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisShardedInvalidationSubscriber implements RedisPubSubSubscriber {

	/**
	 * How often the subscriber refreshes the cluster topology by itself, to catch a
	 * change Redis did not signal on the shard connections.
	 */
	public static final Duration TOPOLOGY_CHECK_INTERVAL = Duration.ofSeconds(30);

	private static final Logger logger = LoggerFactory.getLogger(RedisShardedInvalidationSubscriber.class);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Back-off while a shard cannot be reached: short, since a replica is usually
	 * promoted within seconds and each attempt first refreshes the topology.
	 */
	private static final RetryPolicy RECONNECT = new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(100), 2.0,
			Duration.ofSeconds(2));

	private final RedisClusterClient clusterClient;

	private final RedisClient nodeClient;

	private final RedisURI nodeSettings;

	private final RedisTopicKeys keys;

	/**
	 * Guards {@link #listeners}, {@link #changes}, the placements and the shards, so that
	 * a (un)subscription and the change it queues are one atomic step.
	 */
	private final Object monitor = new Object();

	/** The live listeners of each channel; written under {@link #monitor}. */
	private final TopicListeners listeners;

	private final SubscriptionRefusals refusals;

	private final ChannelChanges changes;

	// guarded by monitor: the shard each channel was last subscribed on
	private final Map<String, Shard> placements = new HashMap<>();

	// guarded by monitor: the open shard connections, by node address
	private final Map<String, Shard> shards = new HashMap<>();

	// guarded by monitor: whether the next batch refreshes the topology first
	private boolean topologyStale;

	private final ConnectionListener connectionListener = new ConnectionListener();

	private final @Nullable PubSubLivenessProbe liveness;

	private final AtomicLong topologyChanges = new AtomicLong();

	private final SyncScheduler scheduler = SyncScheduler.shared();

	private volatile SyncScheduler.@Nullable Cancellable topologyTimer;

	/**
	 * Create a subscriber on a cluster client.
	 * @param clusterClient the application's cluster client; its resources, options and
	 * topology are used for the shard connections
	 * @param nodeSettings credentials, TLS, client name and timeout of the shard
	 * connections, as in the cluster client's initial URIs (its host is ignored)
	 * @param user the ACL user, named in refusals
	 * @param codec decodes events
	 * @param keys where topics live
	 * @param liveness how often to prove the shard connections alive
	 */
	public RedisShardedInvalidationSubscriber(RedisClusterClient clusterClient, RedisURI nodeSettings, String user,
			SyncCodec codec, RedisTopicKeys keys, PubSubLiveness liveness) {
		this.clusterClient = Objects.requireNonNull(clusterClient, "clusterClient must not be null");
		this.nodeSettings = Objects.requireNonNull(nodeSettings, "nodeSettings must not be null");
		Objects.requireNonNull(user, "user must not be null");
		Objects.requireNonNull(codec, "codec must not be null");
		this.keys = Objects.requireNonNull(keys, "keys must not be null");
		this.listeners = new TopicListeners(codec, logger);
		// the fix names the sharded commands: a user allowed SUBSCRIBE may lack them
		this.refusals = new SubscriptionRefusals(this.listeners, "SSUBSCRIBE",
				"+ssubscribe +sunsubscribe &" + keys.prefix() + "{*}:events", user, keys, logger);
		this.changes = new ChannelChanges(this.monitor, SyncThreads.factory("statesync-redis-ssubscribe-"),
				this::applyChanges, this.listeners, this.refusals);
		Objects.requireNonNull(liveness, "liveness must not be null");
		ClientOptions options = clusterClient.getOptions();
		this.nodeClient = RedisClient.create(clusterClient.getResources());
		// statesync reconnects each shard connection itself, to the slot's owner of the
		// moment, one SSUBSCRIBE per slot (Lettuce's resubscribe would send one for all)
		this.nodeClient
			.setOptions(((options != null) ? options.mutate() : ClientOptions.builder()).autoReconnect(false).build());
		this.nodeClient.addListener(this.connectionListener);
		this.liveness = liveness.isEnabled() ? new PubSubLivenessProbe(liveness, this.scheduler, this::carriers,
				this.listeners::subscriptions, (connection) -> {
				}) : null;
	}

	/**
	 * Create a subscriber on the cluster client of a Lettuce connection factory in
	 * cluster mode (Spring Boot's {@code spring.data.redis.cluster.*}).
	 * @param connectionFactory the started connection factory
	 * @param codec decodes events
	 * @param keys where topics live
	 * @param liveness how often to prove the shard connections alive
	 * @return the subscriber
	 * @throws IllegalArgumentException if the factory is not in cluster mode
	 */
	public static RedisShardedInvalidationSubscriber create(RedisConnectionFactory connectionFactory, SyncCodec codec,
			RedisTopicKeys keys, PubSubLiveness liveness) {
		return new RedisShardedInvalidationSubscriber(RedisTopology.clusterClient(connectionFactory),
				RedisTopology.nodeSettings(connectionFactory), RedisFailures.user(connectionFactory), codec, keys,
				liveness);
	}

	@Override
	public Subscription subscribe(String topic, InvalidationListener listener) {
		Subscription subscription = this.changes.subscribe(this.keys.channel(topic), topic, listener);
		if (this.liveness != null) {
			this.liveness.start();
		}
		startTopologyTimer();
		return subscription;
	}

	/**
	 * Return whether invalidations can arrive: every subscribed channel (but those Redis
	 * refuses) is confirmed on an open shard connection. Only memory is read.
	 * @return whether every topic's subscription is connected
	 */
	@Override
	public boolean isConnected() {
		if (this.listeners.subscriptions() == 0) {
			return true;
		}
		synchronized (this.monitor) {
			for (String channel : this.listeners.channels()) {
				if (this.refusals.contains(channel)) {
					continue;
				}
				Shard shard = this.placements.get(channel);
				if (shard == null || shard.lost || !shard.confirmed.contains(channel)) {
					return false;
				}
			}
			return true;
		}
	}

	/**
	 * Return why Redis refuses to subscribe the topic's channel, if it does.
	 * @param topic the topic
	 * @return the refusal, naming the server's answer and the fix, or {@code null}
	 */
	@Override
	public @Nullable String subscriptionFailure(String topic) {
		return this.refusals.get(this.keys.channel(topic));
	}

	/**
	 * Return whether Redis refuses to subscribe the channel of any topic subscribed.
	 * @return {@code true} if some topic cannot receive invalidations for that reason
	 */
	@Override
	public boolean hasRefusedSubscriptions() {
		return !this.refusals.isEmpty();
	}

	/**
	 * Return how many times a shard connection did not answer the liveness probe in time
	 * and was dropped (to reconnect, resubscribe and resync its topics).
	 * @return the count since the subscriber was created, {@code 0} when the probe is off
	 */
	@Override
	public long livenessFailures() {
		PubSubLivenessProbe probe = this.liveness;
		return (probe != null) ? probe.failures() : 0;
	}

	/**
	 * Return how many times channels were moved to another node (a slot moved, a master
	 * failed over) or resubscribed after a shard connection was lost.
	 * @return the count since the subscriber was created
	 */
	public long topologyChanges() {
		return this.topologyChanges.get();
	}

	/**
	 * Return the nodes this subscriber holds a pub/sub connection to, with the number of
	 * channels subscribed on each. Only memory is read.
	 * @return {@code host:port} of each shard connection and its channel count
	 */
	public Map<String, Integer> shardConnections() {
		Map<String, Integer> connections = new TreeMap<>();
		synchronized (this.monitor) {
			this.shards.forEach((address, shard) -> connections.put(address, 0));
			this.placements.values().forEach((shard) -> connections.merge(shard.address, 1, Integer::sum));
		}
		return connections;
	}

	private boolean markDirty(String channel, boolean topologyChanged) {
		// guarded by monitor (held by the caller)
		this.topologyStale |= topologyChanged;
		return this.changes.mark(channel);
	}

	/**
	 * Place every channel marked dirty on the master owning its slot, until none is left.
	 * A batch that fails is tried again with the recovery back-off, after a refresh of
	 * the topology.
	 */
	private void applyChanges() {
		int failures = 0;
		long backOffMillis = 0;
		while (this.changes.goOn(failures, backOffMillis)) {
			List<String> batch;
			boolean refresh;
			synchronized (this.monitor) {
				// a stale topology alone is a change: channels may have to move
				if (!this.changes.hasPending() && !this.topologyStale) {
					this.changes.finish();
					return;
				}
				batch = this.changes.take();
				refresh = this.topologyStale;
				this.topologyStale = false;
			}
			List<String> retry;
			try {
				if (refresh) {
					refreshTopology();
				}
				retry = place(batch);
			}
			catch (RuntimeException ex) {
				if (this.changes.isClosed()) {
					continue;
				}
				retry = batch;
				failures++;
				backOffMillis = RECONNECT.delay(failures, ThreadLocalRandom.current()).toMillis();
				logger.warn("Could not subscribe {} sharded channels, retrying in {} ms: {}", batch.size(),
						backOffMillis, RedisFailures.describe(ex));
				synchronized (this.monitor) {
					this.changes.requeue(retry);
					this.topologyStale = true;
				}
				continue;
			}
			if (retry.isEmpty()) {
				failures = 0;
				continue;
			}
			failures++;
			backOffMillis = RetryPolicy.RECOVERY.delay(failures, ThreadLocalRandom.current()).toMillis();
			logger.debug("{} sharded channels still to subscribe, trying again in {} ms", retry.size(), backOffMillis);
			synchronized (this.monitor) {
				this.changes.requeue(retry);
			}
		}
	}

	private void refreshTopology() {
		await(this.clusterClient.refreshPartitionsAsync().toCompletableFuture());
	}

	/**
	 * Subscribe the wanted channels of the batch on their slot's owner and unsubscribe
	 * the others.
	 * @return the channels to try again
	 */
	private List<String> place(List<String> batch) {
		Partitions partitions = this.clusterClient.getPartitions();
		Map<Shard, List<String>> unsubscribe = new LinkedHashMap<>();
		Map<RedisURI, Map<Integer, List<String>>> subscribe = new LinkedHashMap<>();
		List<String> retry = new ArrayList<>();
		synchronized (this.monitor) {
			for (String channel : batch) {
				Shard current = this.placements.get(channel);
				if (!this.listeners.contains(channel)) {
					if (current != null) {
						this.placements.remove(channel);
						unsubscribe.computeIfAbsent(current, (key) -> new ArrayList<>()).add(channel);
					}
					continue;
				}
				int slot = SlotHash.getSlot(channel);
				RedisClusterNode owner = partitions.getMasterBySlot(slot);
				if (owner == null || owner.getUri() == null) {
					retry.add(channel);
					this.topologyStale = true;
					continue;
				}
				if (current != null && !current.lost && current.address.equals(address(owner.getUri()))) {
					continue;
				}
				if (current != null) {
					this.placements.remove(channel);
					if (!current.lost) {
						unsubscribe.computeIfAbsent(current, (key) -> new ArrayList<>()).add(channel);
					}
				}
				subscribe.computeIfAbsent(owner.getUri(), (key) -> new TreeMap<>())
					.computeIfAbsent(slot, (key) -> new ArrayList<>())
					.add(channel);
			}
		}
		unsubscribe.forEach(this::unsubscribe);
		Map<String, String> refusals = new LinkedHashMap<>();
		subscribe.forEach((uri, slots) -> retry.addAll(subscribe(uri, slots, refusals)));
		closeIdleShards();
		this.refusals.refused(refusals);
		return retry;
	}

	private void unsubscribe(Shard shard, List<String> channels) {
		Map<Integer, List<String>> slots = new TreeMap<>();
		channels.forEach(
				(channel) -> slots.computeIfAbsent(SlotHash.getSlot(channel), (key) -> new ArrayList<>()).add(channel));
		slots.values().forEach((slotChannels) -> {
			try {
				shard.connection.async().sunsubscribe(bytes(slotChannels));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not unsubscribe {} channels on {}: {}", slotChannels.size(), shard.address,
						ex.toString());
			}
		});
	}

	/**
	 * Subscribe channels on one node, one {@code SSUBSCRIBE} per slot, all sent before
	 * the first answer is awaited.
	 * @return the channels to try again
	 */
	private List<String> subscribe(RedisURI uri, Map<Integer, List<String>> slots, Map<String, String> refusals) {
		Shard shard = shard(uri);
		synchronized (this.monitor) {
			// placed before Redis confirms, so that the confirmation finds its topics
			slots.values().forEach((channels) -> channels.forEach((channel) -> {
				if (this.listeners.contains(channel)) {
					this.placements.put(channel, shard);
				}
			}));
		}
		Map<List<String>, RedisFuture<Void>> replies = new LinkedHashMap<>();
		slots.values()
			.forEach((channels) -> replies.put(channels, shard.connection.async().ssubscribe(bytes(channels))));
		List<String> retry = new ArrayList<>();
		RuntimeException connectionFailure = null;
		for (Map.Entry<List<String>, RedisFuture<Void>> entry : replies.entrySet()) {
			try {
				await(entry.getValue().toCompletableFuture());
				this.refusals.accepted(entry.getKey());
			}
			catch (RuntimeException ex) {
				String reply = RedisFailures.serverReply(ex);
				synchronized (this.monitor) {
					entry.getKey().forEach((channel) -> this.placements.remove(channel, shard));
					if (reply != null && (reply.startsWith("MOVED") || reply.startsWith("ASK")
							|| reply.startsWith("TRYAGAIN") || reply.startsWith("CLUSTERDOWN"))) {
						this.topologyStale = true;
					}
				}
				retry.addAll(entry.getKey());
				if (reply == null) {
					connectionFailure = ex;
				}
				else if (!reply.startsWith("MOVED") && !reply.startsWith("ASK") && !reply.startsWith("TRYAGAIN")
						&& !reply.startsWith("CLUSTERDOWN")) {
					entry.getKey().forEach((channel) -> refusals.put(channel, reply));
				}
			}
		}
		if (connectionFailure != null) {
			throw connectionFailure;
		}
		return retry;
	}

	/**
	 * Return the open connection to the node, opening it if needed.
	 */
	private Shard shard(RedisURI uri) {
		String address = address(uri);
		synchronized (this.monitor) {
			Shard shard = this.shards.get(address);
			if (shard != null && !shard.lost) {
				return shard;
			}
		}
		RedisURI nodeUri = RedisURI.builder(this.nodeSettings).withHost(uri.getHost()).withPort(uri.getPort()).build();
		StatefulRedisPubSubConnection<byte[], byte[]> connection = this.nodeClient
			.connectPubSub(ByteArrayCodec.INSTANCE, nodeUri);
		Shard shard = new Shard(address, connection);
		connection.addListener(shard);
		synchronized (this.monitor) {
			if (this.changes.isClosed()) {
				connection.closeAsync();
				throw new IllegalStateException("The invalidation subscriber is closed");
			}
			this.shards.put(address, shard);
		}
		logger.debug("Opened a sharded pub/sub connection to {}", address);
		return shard;
	}

	private void closeIdleShards() {
		List<Shard> idle = new ArrayList<>();
		synchronized (this.monitor) {
			Set<Shard> used = Set.copyOf(this.placements.values());
			this.shards.values().removeIf((shard) -> {
				if (!used.contains(shard)) {
					idle.add(shard);
					return true;
				}
				return false;
			});
		}
		idle.forEach((shard) -> {
			shard.closing = true;
			shard.connection.closeAsync();
		});
	}

	/**
	 * A shard connection dropped (its node died, the network cut it, or the liveness
	 * probe dropped it): its channels are placed again once the topology is refreshed.
	 */
	private void lost(Shard shard) {
		boolean start = false;
		int channels = 0;
		synchronized (this.monitor) {
			if (shard.lost || shard.closing || this.changes.isClosed()) {
				return;
			}
			shard.lost = true;
			this.shards.remove(shard.address, shard);
			for (Map.Entry<String, Shard> placement : List.copyOf(this.placements.entrySet())) {
				if (placement.getValue() == shard) {
					this.placements.remove(placement.getKey());
					start |= markDirty(placement.getKey(), true);
					channels++;
				}
			}
		}
		shard.connection.closeAsync();
		if (channels > 0) {
			this.topologyChanges.incrementAndGet();
			logger.warn("Lost the sharded pub/sub connection to {}: {} channels resubscribe on their slots' owners",
					shard.address, channels);
		}
		if (start) {
			this.changes.start();
		}
	}

	/**
	 * Redis unsubscribed a channel by itself: its slot moved to another node.
	 */
	private void movedAway(Shard shard, String channel) {
		boolean start;
		synchronized (this.monitor) {
			if (this.placements.get(channel) != shard) {
				// unsubscribed on request, or already moved
				return;
			}
			this.placements.remove(channel);
			start = markDirty(channel, true);
		}
		this.topologyChanges.incrementAndGet();
		logger.info("Redis unsubscribed channel '{}' on {} (its slot moved): subscribing it on the new owner", channel,
				shard.address);
		if (start) {
			this.changes.start();
		}
	}

	private void startTopologyTimer() {
		if (this.topologyTimer != null || this.changes.isClosed()) {
			return;
		}
		synchronized (this.monitor) {
			if (this.topologyTimer == null && !this.changes.isClosed()) {
				this.topologyTimer = this.scheduler.schedule(this::checkTopology, TOPOLOGY_CHECK_INTERVAL);
			}
		}
	}

	/**
	 * Refresh the topology now and then, and move the channels whose slot's owner
	 * changed: a safety net for a change no connection signalled.
	 */
	private void checkTopology() {
		synchronized (this.monitor) {
			this.topologyTimer = null;
			if (this.changes.isClosed()) {
				return;
			}
		}
		if (this.listeners.subscriptions() > 0) {
			this.clusterClient.refreshPartitionsAsync().whenComplete((ignored, failure) -> {
				if (failure != null) {
					logger.debug("Could not refresh the cluster topology: {}", failure.toString());
					return;
				}
				Partitions partitions = this.clusterClient.getPartitions();
				boolean start = false;
				int moved = 0;
				synchronized (this.monitor) {
					for (Map.Entry<String, Shard> placement : this.placements.entrySet()) {
						RedisClusterNode owner = partitions.getMasterBySlot(SlotHash.getSlot(placement.getKey()));
						if (owner != null && owner.getUri() != null
								&& !placement.getValue().address.equals(address(owner.getUri()))) {
							start |= markDirty(placement.getKey(), false);
							moved++;
						}
					}
				}
				if (moved > 0) {
					this.topologyChanges.incrementAndGet();
					logger.info("The cluster topology changed: {} channels move to their slots' new owners", moved);
				}
				if (start) {
					this.changes.start();
				}
			});
		}
		startTopologyTimer();
	}

	private List<StatefulRedisPubSubConnection<Object, Object>> carriers() {
		List<StatefulRedisPubSubConnection<Object, Object>> carriers = new ArrayList<>();
		synchronized (this.monitor) {
			for (Shard shard : this.shards.values()) {
				if (!shard.lost && shard.connection.isOpen()) {
					carriers.add(shard.untyped());
				}
			}
		}
		return carriers;
	}

	private static <T> T await(CompletableFuture<T> future) {
		try {
			return future.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw (cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw new IllegalStateException("Redis did not answer within " + COMMAND_TIMEOUT.toSeconds() + " s", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static byte[][] bytes(List<String> channels) {
		byte[][] bytes = new byte[channels.size()][];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = channels.get(i).getBytes(StandardCharsets.UTF_8);
		}
		return bytes;
	}

	private static String address(RedisURI uri) {
		return uri.getHost() + ":" + uri.getPort();
	}

	/**
	 * Close every shard connection; the cluster client stays the application's.
	 */
	@Override
	public void close() {
		List<Shard> open;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		synchronized (this.monitor) {
			this.changes.close();
			SyncScheduler.Cancellable timer = this.topologyTimer;
			if (timer != null) {
				timer.cancel();
			}
			// unlike the classic subscriber, the shard connections are closed even if a
			// change is still under way (or the wait was interrupted): they are this
			// subscriber's own, so no container's stop can hang on them
			this.changes.awaitIdle(deadline);
			open = new ArrayList<>(this.shards.values());
			this.shards.clear();
			this.placements.clear();
		}
		if (this.liveness != null) {
			this.liveness.close();
		}
		open.forEach((shard) -> shard.closing = true);
		this.nodeClient.removeListener(this.connectionListener);
		open.forEach((shard) -> shard.connection.closeAsync());
		this.nodeClient.shutdownAsync(0, 2, TimeUnit.SECONDS);
	}

	/**
	 * One pub/sub connection to one master, and the channels Redis confirmed on it.
	 */
	private final class Shard extends RedisPubSubAdapter<byte[], byte[]> {

		final String address;

		final StatefulRedisPubSubConnection<byte[], byte[]> connection;

		final Set<String> confirmed = ConcurrentHashMap.newKeySet();

		volatile boolean lost;

		volatile boolean closing;

		Shard(String address, StatefulRedisPubSubConnection<byte[], byte[]> connection) {
			this.address = address;
			this.connection = connection;
		}

		@SuppressWarnings("unchecked")
		StatefulRedisPubSubConnection<Object, Object> untyped() {
			return (StatefulRedisPubSubConnection<Object, Object>) (StatefulRedisPubSubConnection<?, ?>) this.connection;
		}

		@Override
		public void smessage(byte[] channel, byte[] message) {
			RedisShardedInvalidationSubscriber.this.listeners.dispatch(new String(channel, StandardCharsets.UTF_8),
					message);
		}

		@Override
		public void ssubscribed(byte[] channel, long count) {
			String name = new String(channel, StandardCharsets.UTF_8);
			this.confirmed.add(name);
			// also on the first subscription (told as a confirmation): an event sent
			// before it was missed
			RedisShardedInvalidationSubscriber.this.listeners.resync(name, (topic) -> logger
				.debug("Subscribed to sharded invalidations of topic '{}' on {}", topic, this.address));
		}

		@Override
		public void sunsubscribed(byte[] channel, long count) {
			String name = new String(channel, StandardCharsets.UTF_8);
			this.confirmed.remove(name);
			movedAway(this, name);
		}

	}

	/**
	 * Hears the shard connections drop.
	 */
	private final class ConnectionListener implements RedisConnectionStateListener {

		@Override
		public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			Shard found = null;
			synchronized (RedisShardedInvalidationSubscriber.this.monitor) {
				for (Shard shard : RedisShardedInvalidationSubscriber.this.shards.values()) {
					if (shard.connection == connection) {
						found = shard;
						break;
					}
				}
			}
			if (found != null) {
				lost(found);
			}
		}

	}

}
