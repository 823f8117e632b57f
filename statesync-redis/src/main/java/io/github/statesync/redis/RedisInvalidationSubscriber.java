package io.github.statesync.redis;

import java.util.Objects;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.Subscription;
import io.github.statesync.core.spi.SyncCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
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
		return () -> this.container.removeMessageListener(topicListener, channel);
	}

	/**
	 * Stop the listener container if this subscriber created it.
	 */
	@Override
	public void close() {
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
