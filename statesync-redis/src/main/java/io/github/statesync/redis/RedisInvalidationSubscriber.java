package io.github.statesync.redis;

import java.lang.ref.WeakReference;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.statesync.core.engine.RetryPolicy;
import io.github.statesync.core.engine.SyncScheduler;
import io.github.statesync.core.engine.SyncThreads;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.Subscription;
import io.github.statesync.core.spi.SyncCodec;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Delivers invalidations over Redis pub/sub: every topic has its own channel, and one
 * listener container (one pub/sub connection) carries them all, so adding or removing a
 * topic never opens a connection. Whenever a topic's channel is (re)subscribed, which
 * happens at start and after the connection dropped and came back, the topic is told to
 * resync: events sent meanwhile were lost. The first confirmation of a subscription
 * completes its {@link Subscription#confirmed()} and is told as
 * {@link InvalidationListener#onConfirmed()}, so that a handle whose first fetch waited
 * for it fetches once.
 * <p>
 * Subscribing returns at once: channels are (un)subscribed in batches, one
 * {@code SUBSCRIBE} for every topic added meanwhile, on a short-lived thread of the
 * subscriber's own, so that starting thousands of topics costs a few round trips rather
 * than one each. One listener serves every channel: each message is decoded once,
 * whatever the number of handles of its topic.
 * <p>
 * A pub/sub connection only receives, so a half-open one (the network forgot it, the
 * socket still looks connected) would go unnoticed: with Lettuce the subscriber proves it
 * alive with a {@code PING} on it every {@link PubSubLiveness#interval()}, and drops it
 * when no answer comes within {@link PubSubLiveness#timeout()}, so that it reconnects and
 * every topic resyncs ({@link #livenessFailures()} counts them).
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisInvalidationSubscriber implements RedisPubSubSubscriber {

	private static final Logger logger = LoggerFactory.getLogger(RedisInvalidationSubscriber.class);

	private final RedisMessageListenerContainer container;

	private final boolean ownsContainer;

	private final RedisTopicKeys keys;

	/**
	 * Guards {@link #listeners}, {@link #changes} and {@link #subscribed}, so that a
	 * (un)subscription and the change it queues are one atomic step.
	 */
	private final Object changesMonitor = new Object();

	/**
	 * The live listeners of each channel. Written only under {@link #changesMonitor},
	 * together with {@link #changes}; read without a lock by the dispatcher.
	 */
	private final TopicListeners listeners;

	private final SubscriptionRefusals refusals;

	private final ChannelChanges changes;

	private final Dispatcher dispatcher = new Dispatcher();

	private final @Nullable ConnectionWatcher connectionWatcher;

	private final @Nullable PubSubLivenessProbe liveness;

	// guarded by changesMonitor: channels the container was last asked to subscribe
	private final Set<String> subscribed = new HashSet<>();

	/**
	 * Create a subscriber on a container the caller owns, starts and stops. With Lettuce,
	 * build the subscriber before the container opens its pub/sub connection (before it
	 * has listeners), or {@link #isConnected()} cannot see that connection drop. The
	 * connection is proved alive with {@link PubSubLiveness#DEFAULT}.
	 * @param container the listener container
	 * @param codec decodes events
	 * @param keys where topics live
	 */
	public RedisInvalidationSubscriber(RedisMessageListenerContainer container, SyncCodec codec, RedisTopicKeys keys) {
		this(container, false, codec, keys, PubSubLiveness.DEFAULT);
	}

	/**
	 * Create a subscriber on a container the caller owns, starts and stops, that proves
	 * its pub/sub connection alive as the settings say. With Lettuce, build the
	 * subscriber before the container opens its pub/sub connection (before it has
	 * listeners), or neither {@link #isConnected()} nor the liveness probe can see that
	 * connection.
	 * @param container the listener container
	 * @param codec decodes events
	 * @param keys where topics live
	 * @param liveness how often to prove the pub/sub connection alive
	 * @since 0.1.0
	 */
	public RedisInvalidationSubscriber(RedisMessageListenerContainer container, SyncCodec codec, RedisTopicKeys keys,
			PubSubLiveness liveness) {
		this(container, false, codec, keys, liveness);
	}

	private RedisInvalidationSubscriber(RedisMessageListenerContainer container, boolean ownsContainer, SyncCodec codec,
			RedisTopicKeys keys, PubSubLiveness liveness) {
		Objects.requireNonNull(liveness, "liveness must not be null");
		this.container = Objects.requireNonNull(container, "container must not be null");
		this.ownsContainer = ownsContainer;
		Objects.requireNonNull(codec, "codec must not be null");
		this.keys = Objects.requireNonNull(keys, "keys must not be null");
		this.listeners = new TopicListeners(codec, logger);
		this.refusals = new SubscriptionRefusals(this.listeners, "SUBSCRIBE", "&" + keys.prefix() + "*",
				RedisFailures.user(container.getConnectionFactory()), keys, logger);
		this.changes = new ChannelChanges(this.changesMonitor, SyncThreads.factory("statesync-redis-subscribe-"),
				this::applyChanges, this.listeners, this.refusals);
		this.connectionWatcher = (container.getConnectionFactory() instanceof LettuceConnectionFactory lettuce)
				? new ConnectionWatcher(lettuce) : null;
		if (this.connectionWatcher != null) {
			this.connectionWatcher.attach();
		}
		ConnectionWatcher watcher = this.connectionWatcher;
		this.liveness = (watcher != null && liveness.isEnabled()) ? new PubSubLivenessProbe(liveness,
				SyncScheduler.shared(), watcher::carriers, this.listeners::subscriptions, watcher::dropping) : null;
	}

	/**
	 * Return whether invalidations can arrive: with Lettuce, whether the pub/sub
	 * connection that carries this subscriber's channels has confirmed them and has not
	 * dropped since (or, having dropped, has come back and resubscribed them). Only
	 * memory is read, no network call. Always {@code true} while no topic is subscribed,
	 * and for other clients.
	 * @return whether the subscription is connected
	 */
	@Override
	public boolean isConnected() {
		ConnectionWatcher watcher = this.connectionWatcher;
		// channels Redis refused are never confirmed: they say nothing about the
		// connection (see subscriptionFailure)
		return watcher == null || this.listeners.subscriptions() == 0 || watcher.isConnected()
				|| this.refusals.channels().containsAll(this.listeners.channels());
	}

	/**
	 * Return why Redis refuses to subscribe the topic's channel, if it does: the
	 * subscriber keeps trying (with the recovery back-off) and the topic receives no
	 * invalidation meanwhile. Only memory is read.
	 * @param topic the topic
	 * @return the refusal, naming the server's answer and the fix, or {@code null} if the
	 * channel is not refused
	 * @since 0.1.0
	 */
	@Override
	public @Nullable String subscriptionFailure(String topic) {
		return this.refusals.get(this.keys.channel(topic));
	}

	/**
	 * Return whether Redis refuses to subscribe the channel of any topic subscribed.
	 * @return {@code true} if some topic cannot receive invalidations for that reason
	 * @since 0.1.0
	 */
	@Override
	public boolean hasRefusedSubscriptions() {
		return !this.refusals.isEmpty();
	}

	/**
	 * Return how many times the pub/sub connection did not answer the liveness probe in
	 * time and was dropped (to reconnect, resubscribe and resync every topic). A count
	 * that grows means connections go half-open between this node and Redis.
	 * @return the count since the subscriber was created, {@code 0} when the probe is off
	 * @since 0.1.0
	 * @see PubSubLiveness
	 */
	@Override
	public long livenessFailures() {
		PubSubLivenessProbe probe = this.liveness;
		return (probe != null) ? probe.failures() : 0;
	}

	/**
	 * Create a subscriber with a listener container of its own, started, that
	 * {@link #close()} stops.
	 * @param connectionFactory the connections to use
	 * @param codec decodes events
	 * @param keys where topics live
	 * @return the subscriber
	 */
	public static RedisInvalidationSubscriber create(RedisConnectionFactory connectionFactory, SyncCodec codec,
			RedisTopicKeys keys) {
		return create(connectionFactory, codec, keys, (container) -> {
		});
	}

	/**
	 * Create a subscriber with a listener container of its own, customized before it
	 * starts, that {@link #close()} stops. The customizer may tune the container (for
	 * example apply Spring Boot's {@code spring.data.redis.listener.*}); statesync then
	 * sets what its single pub/sub connection needs: messages dispatched on the
	 * connection's thread and subscriptions made on threads of their own.
	 * @param connectionFactory the connections to use
	 * @param codec decodes events
	 * @param keys where topics live
	 * @param customizer customizes the container before it starts
	 * @return the subscriber
	 * @since 0.1.0
	 */
	public static RedisInvalidationSubscriber create(RedisConnectionFactory connectionFactory, SyncCodec codec,
			RedisTopicKeys keys, Consumer<RedisMessageListenerContainer> customizer) {
		return create(connectionFactory, codec, keys, customizer, PubSubLiveness.DEFAULT);
	}

	/**
	 * Create a subscriber with a listener container of its own, customized before it
	 * starts, that {@link #close()} stops, and that proves its pub/sub connection alive
	 * as the settings say (with Lettuce; other clients are not probed).
	 * @param connectionFactory the connections to use
	 * @param codec decodes events
	 * @param keys where topics live
	 * @param customizer customizes the container before it starts
	 * @param liveness how often to prove the pub/sub connection alive
	 * @return the subscriber
	 * @since 0.1.0
	 */
	public static RedisInvalidationSubscriber create(RedisConnectionFactory connectionFactory, SyncCodec codec,
			RedisTopicKeys keys, Consumer<RedisMessageListenerContainer> customizer, PubSubLiveness liveness) {
		RedisMessageListenerContainer container = createContainer(connectionFactory);
		customizer.accept(container);
		dispatchOnTheConnection(container);
		container.afterPropertiesSet();
		container.start();
		return new RedisInvalidationSubscriber(container, true, codec, keys, liveness);
	}

	/**
	 * Create a listener container configured for invalidations: messages are handled on
	 * the connection's own thread (decoding and the revision gate are cheap and fetches
	 * are asynchronous, so no thread per message), and a lost subscription is retried
	 * with the library's recovery back-off, {@link RetryPolicy#RECOVERY}.
	 * @param connectionFactory the connections to use
	 * @return the container, not yet started
	 */
	public static RedisMessageListenerContainer createContainer(RedisConnectionFactory connectionFactory) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		container.setConnectionFactory(connectionFactory);
		container.setRecoveryBackoff(new RetryPolicyBackOff(RetryPolicy.RECOVERY));
		dispatchOnTheConnection(container);
		return container;
	}

	private static void dispatchOnTheConnection(RedisMessageListenerContainer container) {
		container.setTaskExecutor(Runnable::run);
		// subscribing and recovering block and sleep, so they get threads of their own
		// rather than the caller's thread or Lettuce's I/O thread
		container
			.setSubscriptionExecutor(new SimpleAsyncTaskExecutor(SyncThreads.factory("statesync-redis-subscription-")));
	}

	@Override
	public Subscription subscribe(String topic, InvalidationListener listener) {
		if (this.connectionWatcher != null) {
			this.connectionWatcher.attach();
		}
		Subscription subscription = this.changes.subscribe(this.keys.channel(topic), topic, listener);
		if (this.liveness != null) {
			this.liveness.start();
		}
		return subscription;
	}

	/**
	 * Apply every requested (un)subscription, in batches, until none is left. A batch
	 * that fails (Redis is down while the container has never connected, so it would not
	 * retry by itself) is tried again with the recovery back-off, for the channels still
	 * wanted then.
	 */
	private void applyChanges() {
		int failures = 0;
		long backOffMillis = 0;
		while (this.changes.goOn(failures, backOffMillis)) {
			List<String> subscribe = new ArrayList<>();
			List<String> unsubscribe = new ArrayList<>();
			synchronized (this.changesMonitor) {
				if (!this.changes.hasPending()) {
					this.changes.finish();
					return;
				}
				// the container keeps its own set of channels: only what changed against
				// it is sent (the sharded subscriber places channels on shards instead)
				for (String channel : this.changes.take()) {
					boolean wanted = this.listeners.contains(channel);
					if (wanted && this.subscribed.add(channel)) {
						subscribe.add(channel);
					}
					else if (!wanted && this.subscribed.remove(channel)) {
						unsubscribe.add(channel);
					}
				}
			}
			List<String> retry = subscribe;
			try {
				if (!unsubscribe.isEmpty()) {
					this.container.removeMessageListener(this.dispatcher, topics(unsubscribe));
				}
				if (!subscribe.isEmpty()) {
					retry = subscribeOrFindRefused(subscribe);
				}
				if (retry.isEmpty()) {
					failures = 0;
					continue;
				}
				// refused channels, reported once: tried again with the back-off, quietly
				failures++;
				backOffMillis = RetryPolicy.RECOVERY.delay(failures, ThreadLocalRandom.current()).toMillis();
				logger.debug("Redis still refuses to subscribe {} channels, trying again in {} ms", retry.size(),
						backOffMillis);
			}
			catch (RuntimeException ex) {
				if (this.changes.isClosed()) {
					continue;
				}
				failures++;
				backOffMillis = RetryPolicy.RECOVERY.delay(failures, ThreadLocalRandom.current()).toMillis();
				logger.warn("Could not (un)subscribe {} channels, retrying the subscriptions in {} ms: {}",
						subscribe.size() + unsubscribe.size(), backOffMillis, RedisFailures.describe(ex));
			}
			// the container forgets an unsubscribed channel before it tells Redis, so
			// only the subscriptions are tried again, if still wanted by then
			synchronized (this.changesMonitor) {
				this.subscribed.removeAll(retry);
				this.changes.requeue(retry);
			}
		}
	}

	/**
	 * Subscribe the channels Redis accepts and report those it refuses (once per channel
	 * and reason) to their topics. Channels known to be refused are first tried on a
	 * connection of their own, so that neither they nor the listener container's error
	 * log hold up the others, and so that the container never keeps a channel Redis
	 * refuses (one refused channel fails a whole {@code SUBSCRIBE}).
	 * @param channels the channels to subscribe
	 * @return the channels Redis refused, to try again later
	 * @throws RuntimeException if Redis could not be reached
	 */
	private List<String> subscribeOrFindRefused(List<String> channels) {
		List<String> accepted = new ArrayList<>(channels);
		Map<String, String> refusals = new LinkedHashMap<>();
		if (channels.stream().anyMatch(this.refusals::contains)) {
			refusals.putAll(probe(channels));
			accepted.removeAll(refusals.keySet());
		}
		if (!accepted.isEmpty()) {
			try {
				this.container.addMessageListener(this.dispatcher, topics(accepted));
			}
			catch (RuntimeException ex) {
				if (RedisFailures.serverReply(ex) == null) {
					throw ex;
				}
				// forget them in the container, then find which ones Redis refuses
				this.container.removeMessageListener(this.dispatcher, topics(accepted));
				Map<String, String> found = probe(accepted);
				if (found.isEmpty()) {
					throw ex;
				}
				refusals.putAll(found);
				accepted.removeAll(found.keySet());
				if (!accepted.isEmpty()) {
					this.container.addMessageListener(this.dispatcher, topics(accepted));
				}
			}
		}
		this.refusals.accepted(accepted);
		this.refusals.refused(refusals);
		return new ArrayList<>(refusals.keySet());
	}

	/**
	 * Try each channel on a pub/sub connection of its own, without the container.
	 * @return the channels Redis refused, with its answer
	 */
	private Map<String, String> probe(List<String> channels) {
		Map<String, String> refusals = new LinkedHashMap<>();
		MessageListener ignore = (message, pattern) -> {
		};
		for (String channel : channels) {
			try (RedisConnection connection = this.container.getConnectionFactory().getConnection()) {
				connection.subscribe(ignore, channel.getBytes(StandardCharsets.UTF_8));
				// unsubscribed before the connection closes, so the connection
				// watcher does not take the close for a lost subscription
				org.springframework.data.redis.connection.Subscription probed = connection.getSubscription();
				if (probed != null) {
					probed.unsubscribe();
				}
			}
			catch (RuntimeException ex) {
				String reply = RedisFailures.serverReply(ex);
				if (reply == null) {
					throw ex;
				}
				refusals.put(channel, reply);
			}
		}
		return refusals;
	}

	private static List<ChannelTopic> topics(List<String> channels) {
		return channels.stream().map(ChannelTopic::new).toList();
	}

	/**
	 * Drop the changes still waiting (closing makes them moot) and wait, briefly, for the
	 * one under way: stopping the container while it subscribes makes the stop wait for
	 * the subscription.
	 * @return whether no change is under way any more
	 */
	private boolean awaitChanges() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		synchronized (this.changesMonitor) {
			this.changes.close();
			return this.changes.awaitIdle(deadline);
		}
	}

	/**
	 * Stop the listener container if this subscriber created it.
	 */
	@Override
	public void close() {
		boolean idle = awaitChanges();
		if (this.liveness != null) {
			this.liveness.close();
		}
		if (this.connectionWatcher != null) {
			this.connectionWatcher.detach();
		}
		if (!idle) {
			// a subscription is stuck inside the container (a connection attempt that
			// the client's shut-down event loop will never complete, when the connection
			// factory stopped first): stopping the container would wait for it forever
			logger.warn("A subscription to Redis did not finish within 2 s; leaving the listener container as it is");
			return;
		}
		if (this.ownsContainer) {
			this.container.stop();
			try {
				this.container.destroy();
			}
			catch (Exception ex) {
				logger.warn("Destroying the invalidation listener container failed: {}", ex.toString());
			}
		}
	}

	/**
	 * The one listener of every channel: decodes each message once and hands it to the
	 * handles of its topic.
	 */
	private final class Dispatcher implements MessageListener, SubscriptionListener {

		@Override
		public void onMessage(Message message, byte @Nullable [] pattern) {
			RedisInvalidationSubscriber.this.listeners
				.dispatch(new String(message.getChannel(), StandardCharsets.UTF_8), message.getBody());
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			ConnectionWatcher watcher = RedisInvalidationSubscriber.this.connectionWatcher;
			if (watcher != null) {
				watcher.confirmed();
			}
			// also on the first subscription (told as a confirmation), since an event
			// sent before Redis confirmed it was missed
			RedisInvalidationSubscriber.this.listeners.resync(new String(channel, StandardCharsets.UTF_8),
					(topic) -> logger.debug("Subscribed to invalidations of topic '{}'", topic));
		}

	}

	/**
	 * Follows the pub/sub connection that carries this subscriber's channels, from
	 * Lettuce's own callbacks on the factory's client, so that {@link #isConnected()}
	 * reads memory only. The listener container does not notice a dropped pub/sub
	 * connection (Lettuce reconnects and resubscribes it underneath), and the client's
	 * other connections say nothing about this one, so the watcher looks at pub/sub
	 * connections only: on each it puts a probe that keeps the channels Redis confirmed.
	 * A pub/sub connection that drops while it carries one of this subscriber's channels
	 * is lost until Redis confirms one of them on it again, which Lettuce does right
	 * after it reconnected. Another subscriber's connection on the same channels of the
	 * same client would count as well: the watcher may say "disconnected" when in doubt,
	 * never "connected".
	 */
	private final class ConnectionWatcher implements RedisConnectionStateListener {

		private final LettuceConnectionFactory connectionFactory;

		private final Map<RedisChannelHandler<?, ?>, Probe> probes = Collections.synchronizedMap(new WeakHashMap<>());

		private final Set<Probe> lost = ConcurrentHashMap.newKeySet();

		/** Connections the liveness probe is dropping: their loss was logged already. */
		private final Set<RedisChannelHandler<?, ?>> dropped = Collections
			.newSetFromMap(Collections.synchronizedMap(new WeakHashMap<>()));

		private volatile @Nullable AbstractRedisClient client;

		private volatile boolean confirmed;

		ConnectionWatcher(LettuceConnectionFactory connectionFactory) {
			this.connectionFactory = connectionFactory;
		}

		/**
		 * Listen to the factory's client, once it has one (it has none before the factory
		 * starts).
		 */
		void attach() {
			if (this.client != null) {
				return;
			}
			synchronized (this) {
				if (this.client == null && this.connectionFactory.isRunning()) {
					AbstractRedisClient nativeClient = this.connectionFactory.getNativeClient();
					nativeClient.addListener(this);
					this.client = nativeClient;
				}
			}
		}

		void detach() {
			AbstractRedisClient nativeClient = this.client;
			if (nativeClient != null) {
				nativeClient.removeListener(this);
			}
			synchronized (this.probes) {
				this.probes.values().forEach(Probe::remove);
				this.probes.clear();
			}
		}

		boolean isConnected() {
			return this.confirmed && this.lost.isEmpty();
		}

		/**
		 * Redis confirmed a channel to the container: this subscriber's pub/sub
		 * connection was up then (also the one way to know it for a connection made
		 * before the watcher listened).
		 */
		void confirmed() {
			this.confirmed = true;
		}

		@Override
		public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
			// called on the connection's I/O thread when its channel becomes active, so
			// before any reply it reads: the probe misses no confirmation
			if (connection instanceof StatefulRedisPubSubConnection<?, ?> pubSub) {
				this.probes.computeIfAbsent(connection, (key) -> new Probe(pubSub));
			}
		}

		/**
		 * Return the open pub/sub connections that carry one of this subscriber's
		 * channels: those the liveness probe pings.
		 */
		List<StatefulRedisPubSubConnection<Object, Object>> carriers() {
			List<StatefulRedisPubSubConnection<Object, Object>> carriers = new ArrayList<>(1);
			synchronized (this.probes) {
				for (Probe probe : this.probes.values()) {
					StatefulRedisPubSubConnection<Object, Object> connection = probe.connection.get();
					if (connection != null && connection.isOpen() && !this.lost.contains(probe)
							&& probe.carriesOurChannel()) {
						carriers.add(connection);
					}
				}
			}
			return carriers;
		}

		/**
		 * The liveness probe is about to drop the connection, and logged why.
		 */
		void dropping(StatefulRedisPubSubConnection<Object, Object> connection) {
			if (connection instanceof RedisChannelHandler<?, ?> handler) {
				this.dropped.add(handler);
			}
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			Probe probe = this.probes.get(connection);
			boolean logged = this.dropped.remove(connection);
			if (probe != null && probe.carriesOurChannel() && this.lost.add(probe) && this.lost.size() == 1
					&& !logged) {
				logger.warn("Lost the pub/sub connection to Redis: invalidations of {} topics wait for it to come back",
						RedisInvalidationSubscriber.this.listeners.subscriptions());
			}
		}

		private void resubscribed(Probe probe) {
			this.confirmed = true;
			boolean wasLost = !this.lost.isEmpty();
			this.lost.remove(probe);
			this.lost.removeIf(Probe::isClosed);
			if (wasLost && this.lost.isEmpty()) {
				logger.info("Pub/sub connection to Redis is back: {} topics resync",
						RedisInvalidationSubscriber.this.listeners.subscriptions());
			}
		}

		/**
		 * Keeps the channels Redis confirmed on one pub/sub connection. It holds the
		 * connection weakly: the connection holds it.
		 */
		private final class Probe extends RedisPubSubAdapter<Object, Object> {

			private final WeakReference<StatefulRedisPubSubConnection<Object, Object>> connection;

			private final Set<String> channels = ConcurrentHashMap.newKeySet();

			@SuppressWarnings("unchecked")
			Probe(StatefulRedisPubSubConnection<?, ?> connection) {
				StatefulRedisPubSubConnection<Object, Object> target = (StatefulRedisPubSubConnection<Object, Object>) connection;
				this.connection = new WeakReference<>(target);
				target.addListener(this);
			}

			@Override
			public void subscribed(Object channel, long count) {
				String name = channelName(channel);
				this.channels.add(name);
				if (RedisInvalidationSubscriber.this.listeners.contains(name)) {
					resubscribed(this);
				}
			}

			@Override
			public void unsubscribed(Object channel, long count) {
				this.channels.remove(channelName(channel));
			}

			boolean carriesOurChannel() {
				return this.channels.stream().anyMatch(RedisInvalidationSubscriber.this.listeners::contains);
			}

			/**
			 * Return whether the connection was closed: it never comes back (the
			 * container subscribes on a new one).
			 */
			boolean isClosed() {
				StatefulRedisPubSubConnection<Object, Object> target = this.connection.get();
				return target == null || (target instanceof RedisChannelHandler<?, ?> handler && handler.isClosed());
			}

			void remove() {
				StatefulRedisPubSubConnection<Object, Object> target = this.connection.get();
				if (target != null) {
					target.removeListener(this);
				}
			}

		}

	}

	private static String channelName(Object channel) {
		return (channel instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(channel);
	}

}
