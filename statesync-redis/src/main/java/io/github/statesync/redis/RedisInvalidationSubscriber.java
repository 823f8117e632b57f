package io.github.statesync.redis;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

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
 * <p>
 * Subscribing returns at once: channels are (un)subscribed in batches, one
 * {@code SUBSCRIBE} for every topic added meanwhile, on a short-lived thread of the
 * subscriber's own, so that starting thousands of topics costs a few round trips rather
 * than one each. One listener serves every channel: each message is decoded once,
 * whatever the number of handles of its topic.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisInvalidationSubscriber implements InvalidationSubscriber, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisInvalidationSubscriber.class);

	private static final long MAX_RETRY_MILLIS = 5000;

	private final RedisMessageListenerContainer container;

	private final boolean ownsContainer;

	private final SyncCodec codec;

	private final RedisTopicKeys keys;

	private final Set<SocketAddress> activeConnections = ConcurrentHashMap.newKeySet();

	private final AtomicInteger subscriptions = new AtomicInteger();

	private final AtomicBoolean lost = new AtomicBoolean();

	private final Map<String, Set<TopicListener>> listeners = new ConcurrentHashMap<>();

	private final Dispatcher dispatcher = new Dispatcher();

	private final SimpleAsyncTaskExecutor changeExecutor = new SimpleAsyncTaskExecutor("statesync-redis-subscribe-");

	private final Object changesMonitor = new Object();

	// guarded by changesMonitor
	private final Set<String> toSubscribe = new LinkedHashSet<>();

	// guarded by changesMonitor
	private final Set<String> toUnsubscribe = new LinkedHashSet<>();

	// guarded by changesMonitor
	private boolean changing;

	private volatile boolean closed;

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
		this.changeExecutor.setDaemon(true);
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
		if (this.closed) {
			throw new IllegalStateException("The invalidation subscriber is closed");
		}
		String channel = this.keys.channel(topic);
		TopicListener topicListener = new TopicListener(topic, listener);
		boolean[] first = new boolean[1];
		this.listeners.compute(channel, (key, current) -> {
			Set<TopicListener> updated = (current != null) ? current : new CopyOnWriteArraySet<>();
			first[0] = updated.isEmpty();
			updated.add(topicListener);
			return updated;
		});
		this.subscriptions.incrementAndGet();
		if (first[0]) {
			requestChange(channel, true);
		}
		AtomicBoolean cancelled = new AtomicBoolean();
		return () -> {
			if (cancelled.compareAndSet(false, true)) {
				this.subscriptions.decrementAndGet();
				boolean[] last = new boolean[1];
				this.listeners.computeIfPresent(channel, (key, current) -> {
					current.remove(topicListener);
					last[0] = current.isEmpty();
					return last[0] ? null : current;
				});
				if (last[0]) {
					requestChange(channel, false);
				}
			}
		};
	}

	private void requestChange(String channel, boolean subscribe) {
		synchronized (this.changesMonitor) {
			(subscribe ? this.toUnsubscribe : this.toSubscribe).remove(channel);
			(subscribe ? this.toSubscribe : this.toUnsubscribe).add(channel);
			if (this.changing) {
				return;
			}
			this.changing = true;
		}
		this.changeExecutor.execute(this::applyChanges);
	}

	/**
	 * Apply every requested (un)subscription, in batches, until none is left. A batch
	 * that fails (Redis is down while the container has never connected, so it would not
	 * retry by itself) is tried again with back-off, for the channels still wanted.
	 */
	private void applyChanges() {
		long backOffMillis = 0;
		while (true) {
			if (this.closed || (backOffMillis > 0 && !pause(backOffMillis))) {
				synchronized (this.changesMonitor) {
					this.changing = false;
					this.changesMonitor.notifyAll();
				}
				return;
			}
			List<ChannelTopic> subscribe;
			List<ChannelTopic> unsubscribe;
			synchronized (this.changesMonitor) {
				if (this.toSubscribe.isEmpty() && this.toUnsubscribe.isEmpty()) {
					this.changing = false;
					this.changesMonitor.notifyAll();
					return;
				}
				subscribe = this.toSubscribe.stream().map(ChannelTopic::new).toList();
				unsubscribe = this.toUnsubscribe.stream().map(ChannelTopic::new).toList();
				this.toSubscribe.clear();
				this.toUnsubscribe.clear();
			}
			try {
				if (!unsubscribe.isEmpty()) {
					this.container.removeMessageListener(this.dispatcher, unsubscribe);
				}
				if (!subscribe.isEmpty()) {
					this.container.addMessageListener(this.dispatcher, subscribe);
				}
				backOffMillis = 0;
			}
			catch (RuntimeException ex) {
				if (this.closed) {
					continue;
				}
				backOffMillis = Math.min(MAX_RETRY_MILLIS, Math.max(100, backOffMillis * 2));
				logger.warn("Could not (un)subscribe {} channels, retrying the subscriptions in {} ms: {}",
						subscribe.size() + unsubscribe.size(), backOffMillis, ex.toString());
				synchronized (this.changesMonitor) {
					subscribe.forEach((topic) -> {
						if (this.listeners.containsKey(topic.getTopic())
								&& !this.toUnsubscribe.contains(topic.getTopic())) {
							this.toSubscribe.add(topic.getTopic());
						}
					});
				}
			}
		}
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
			this.toSubscribe.clear();
			this.toUnsubscribe.clear();
			this.changesMonitor.notifyAll();
			long remaining;
			while (this.changing && (remaining = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.changesMonitor, remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return !this.changing;
		}
	}

	/**
	 * Wait before a retry; {@link #close()} cuts the wait short.
	 * @return whether to go on
	 */
	private boolean pause(long millis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		synchronized (this.changesMonitor) {
			long remaining;
			while (!this.closed && (remaining = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.changesMonitor, remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
		return !this.closed;
	}

	/**
	 * Stop the listener container if this subscriber created it.
	 */
	@Override
	public void close() {
		this.closed = true;
		boolean idle = awaitChanges();
		Disposable events = this.connectionEvents;
		if (events != null) {
			events.dispose();
		}
		if (!idle) {
			// a subscription is stuck inside the container (a connection attempt that the
			// client's shut-down event loop will never complete, when the connection
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
			Set<TopicListener> targets = RedisInvalidationSubscriber.this.listeners
				.get(new String(message.getChannel(), StandardCharsets.UTF_8));
			if (targets == null) {
				return;
			}
			InvalidationEvent event;
			try {
				event = RedisInvalidationSubscriber.this.codec.decodeEvent(message.getBody());
			}
			catch (ProtocolException ex) {
				targets.forEach((target) -> deliver(target, (listener) -> listener.onProtocolError(ex)));
				return;
			}
			catch (RuntimeException ex) {
				ProtocolException error = new ProtocolException("invalidation event could not be decoded: " + ex, ex);
				targets.forEach((target) -> deliver(target, (listener) -> listener.onProtocolError(error)));
				return;
			}
			targets.forEach((target) -> deliver(target, (listener) -> listener.onInvalidation(event)));
		}

		/**
		 * Call one listener: one that throws must not keep the others of the topic from
		 * hearing, nor reach the I/O thread.
		 */
		private void deliver(TopicListener target, Consumer<InvalidationListener> call) {
			try {
				call.accept(target.listener);
			}
			catch (RuntimeException ex) {
				logger.warn("An invalidation listener of topic '{}' failed: {}", target.topic, ex.toString());
			}
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			// also on the first subscription: an event sent before Redis confirmed it was
			// missed
			Set<TopicListener> targets = RedisInvalidationSubscriber.this.listeners
				.get(new String(channel, StandardCharsets.UTF_8));
			if (targets != null) {
				targets.forEach((target) -> {
					logger.debug("Subscribed to invalidations of topic '{}'", target.topic);
					deliver(target, InvalidationListener::onResync);
				});
			}
		}

	}

	/**
	 * One subscription: equal only to itself, so that two subscriptions of one topic by
	 * the same listener are cancelled one by one.
	 */
	private static final class TopicListener {

		final String topic;

		final InvalidationListener listener;

		TopicListener(String topic, InvalidationListener listener) {
			this.topic = topic;
			this.listener = listener;
		}

	}

}
