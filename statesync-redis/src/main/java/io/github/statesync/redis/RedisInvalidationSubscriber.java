package io.github.statesync.redis;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.Subscription;
import io.github.statesync.core.spi.SyncCodec;
import io.lettuce.core.event.Event;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Delivers invalidations over Redis pub/sub: every topic has its own channel, and one
 * listener container (one pub/sub connection) carries them all, so adding or removing a
 * topic never opens a connection. Whenever a topic's channel is (re)subscribed, which
 * happens at start and after the connection dropped and came back, the topic is told to
 * resync: events sent meanwhile were lost.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisInvalidationSubscriber implements InvalidationSubscriber, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisInvalidationSubscriber.class);

	private final RedisMessageListenerContainer container;

	private final boolean ownsContainer;

	private final SyncCodec codec;

	private final RedisTopicKeys keys;

	private final Set<SocketAddress> activeConnections = ConcurrentHashMap.newKeySet();

	private final AtomicInteger subscriptions = new AtomicInteger();

	private final AtomicBoolean lost = new AtomicBoolean();

	private volatile @Nullable Disposable connectionEvents;

	/**
	 * Create a subscriber on a container the caller owns, starts and stops.
	 * @param container the listener container
	 * @param codec decodes events
	 * @param keys where topics live
	 */
	public RedisInvalidationSubscriber(RedisMessageListenerContainer container, SyncCodec codec, RedisTopicKeys keys) {
		this(container, false, codec, keys);
	}

	private RedisInvalidationSubscriber(RedisMessageListenerContainer container, boolean ownsContainer, SyncCodec codec,
			RedisTopicKeys keys) {
		this.container = Objects.requireNonNull(container, "container must not be null");
		this.ownsContainer = ownsContainer;
		this.codec = Objects.requireNonNull(codec, "codec must not be null");
		this.keys = Objects.requireNonNull(keys, "keys must not be null");
		if (container.getConnectionFactory() instanceof LettuceConnectionFactory lettuce
				&& lettuce.getClientResources() != null) {
			this.connectionEvents = lettuce.getClientResources().eventBus().get().subscribe(this::onConnectionEvent);
		}
	}

	private void onConnectionEvent(Event event) {
		if (event instanceof ConnectionActivatedEvent activated) {
			this.activeConnections.add(activated.localAddress());
			if (this.lost.compareAndSet(true, false)) {
				logger.info("Reconnected to Redis: {} topics resync", this.subscriptions.get());
			}
		}
		else if (event instanceof ConnectionDeactivatedEvent deactivated) {
			this.activeConnections.remove(deactivated.localAddress());
			if (this.activeConnections.isEmpty() && this.subscriptions.get() > 0
					&& this.lost.compareAndSet(false, true)) {
				logger.warn("Lost the connection to Redis: invalidations of {} topics wait for it to come back",
						this.subscriptions.get());
			}
		}
	}

	/**
	 * Return whether invalidations can arrive: with Lettuce, whether a connection to
	 * Redis is up (tracked from Lettuce's connection events, no network call); always
	 * {@code true} for other clients and while no topic is subscribed.
	 * @return whether the subscription is connected
	 */
	public boolean isConnected() {
		return this.connectionEvents == null || this.subscriptions.get() == 0 || !this.activeConnections.isEmpty();
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
		RedisMessageListenerContainer container = createContainer(connectionFactory);
		container.afterPropertiesSet();
		container.start();
		return new RedisInvalidationSubscriber(container, true, codec, keys);
	}

	/**
	 * Create a listener container configured for invalidations: messages are handled on
	 * the connection's own thread (decoding and the revision gate are cheap and fetches
	 * are asynchronous, so no thread per message), and a lost subscription is retried
	 * with exponential back-off from 100 ms to 5 s.
	 * @param connectionFactory the connections to use
	 * @return the container, not yet started
	 */
	public static RedisMessageListenerContainer createContainer(RedisConnectionFactory connectionFactory) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		container.setConnectionFactory(connectionFactory);
		container.setTaskExecutor(Runnable::run);
		// subscribing and its recovery block and sleep: never on the caller's or the I/O
		// thread
		container.setSubscriptionExecutor(new SimpleAsyncTaskExecutor("statesync-redis-subscription-"));
		ExponentialBackOff backOff = new ExponentialBackOff(100, 2.0);
		backOff.setMaxInterval(5000);
		container.setRecoveryBackoff(backOff);
		return container;
	}

	@Override
	public Subscription subscribe(String topic, InvalidationListener listener) {
		ChannelTopic channel = new ChannelTopic(this.keys.channel(topic));
		TopicListener topicListener = new TopicListener(topic, listener);
		this.container.addMessageListener(topicListener, channel);
		this.subscriptions.incrementAndGet();
		AtomicBoolean cancelled = new AtomicBoolean();
		return () -> {
			if (cancelled.compareAndSet(false, true)) {
				this.subscriptions.decrementAndGet();
				this.container.removeMessageListener(topicListener, channel);
			}
		};
	}

	/**
	 * Stop the listener container if this subscriber created it.
	 */
	@Override
	public void close() {
		Disposable events = this.connectionEvents;
		if (events != null) {
			events.dispose();
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

	private final class TopicListener implements MessageListener, SubscriptionListener {

		private final String topic;

		private final InvalidationListener listener;

		TopicListener(String topic, InvalidationListener listener) {
			this.topic = topic;
			this.listener = listener;
		}

		@Override
		public void onMessage(Message message, byte @Nullable [] pattern) {
			InvalidationEvent event;
			try {
				event = RedisInvalidationSubscriber.this.codec.decodeEvent(message.getBody());
			}
			catch (ProtocolException ex) {
				this.listener.onProtocolError(ex);
				return;
			}
			catch (RuntimeException ex) {
				this.listener
					.onProtocolError(new ProtocolException("invalidation event could not be decoded: " + ex, ex));
				return;
			}
			this.listener.onInvalidation(event);
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			// also on the first subscription: an event sent before Redis confirmed it was
			// missed
			logger.debug("Subscribed to invalidations of topic '{}'", this.topic);
			this.listener.onResync();
		}

	}

}
