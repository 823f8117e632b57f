package io.github.statesync.redis;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.github.statesync.core.engine.SyncScheduler;
import io.lettuce.core.Delegating;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.protocol.DefaultEndpoint;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves, every {@link PubSubLiveness#interval()}, that the pub/sub connection carrying
 * the subscriber's channels is alive: a {@code PING} on that very connection (allowed in
 * subscribed mode, in RESP2 and RESP3) must be answered within
 * {@link PubSubLiveness#timeout()}. Any answer counts, an error reply too (an ACL user
 * without {@code +ping} is answered {@code NOPERM}): only silence means the connection is
 * half-open (a peer, a NAT or a load balancer forgot it while the socket looks
 * connected). Such a connection is dropped under Lettuce, which reconnects and
 * resubscribes it; Redis's confirmations make every topic resync, as after any lost
 * connection.
 * <p>
 * Runs on the shared {@link SyncScheduler}'s timers, one timer for every topic, and only
 * while a topic is subscribed.
 *
 * @author statesync
 */
final class PubSubLivenessProbe {

	private static final Logger logger = LoggerFactory.getLogger(RedisInvalidationSubscriber.class);

	private final PubSubLiveness settings;

	private final SyncScheduler scheduler;

	private final Supplier<List<StatefulRedisPubSubConnection<Object, Object>>> connections;

	private final IntSupplier topics;

	private final Consumer<StatefulRedisPubSubConnection<Object, Object>> dropping;

	private final Set<StatefulRedisPubSubConnection<Object, Object>> inFlight = ConcurrentHashMap.newKeySet();

	private final AtomicLong failures = new AtomicLong();

	private final Object lock = new Object();

	// guarded by lock
	private SyncScheduler.@Nullable Cancellable timer;

	// guarded by lock
	private boolean closed;

	/**
	 * Create a probe, idle until {@link #start()}.
	 * @param settings interval and timeout
	 * @param scheduler runs the probes
	 * @param connections the open pub/sub connections that carry the subscriber's
	 * channels
	 * @param topics the number of topics subscribed
	 * @param dropping told of a connection just before the probe drops it
	 */
	PubSubLivenessProbe(PubSubLiveness settings, SyncScheduler scheduler,
			Supplier<List<StatefulRedisPubSubConnection<Object, Object>>> connections, IntSupplier topics,
			Consumer<StatefulRedisPubSubConnection<Object, Object>> dropping) {
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
		this.connections = connections;
		this.topics = topics;
		this.dropping = dropping;
	}

	/**
	 * Start probing, if enabled and not already probing: called whenever a topic is
	 * subscribed. The probe stops by itself once no topic is subscribed.
	 */
	void start() {
		if (!this.settings.isEnabled()) {
			return;
		}
		synchronized (this.lock) {
			if (!this.closed && this.timer == null) {
				this.timer = this.scheduler.schedule(this::tick, this.settings.interval());
			}
		}
	}

	/**
	 * Stop probing for good.
	 */
	void close() {
		synchronized (this.lock) {
			this.closed = true;
			if (this.timer != null) {
				this.timer.cancel();
				this.timer = null;
			}
		}
	}

	/**
	 * Return the number of connections found half-open and dropped.
	 * @return the count since the probe was created
	 */
	long failures() {
		return this.failures.get();
	}

	private void tick() {
		synchronized (this.lock) {
			this.timer = null;
			if (this.closed || this.topics.getAsInt() == 0) {
				// the next subscription starts it again
				return;
			}
			this.timer = this.scheduler.schedule(this::tick, this.settings.interval());
		}
		try {
			for (StatefulRedisPubSubConnection<Object, Object> connection : this.connections.get()) {
				ping(connection);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not probe the pub/sub connection to Redis: {}", ex.toString());
		}
	}

	private void ping(StatefulRedisPubSubConnection<Object, Object> connection) {
		if (!this.inFlight.add(connection)) {
			// the previous probe has not been answered, and has not timed out yet
			return;
		}
		long sent = this.scheduler.nanoTime();
		RedisFuture<String> reply;
		try {
			reply = connection.async().ping();
		}
		catch (RuntimeException ex) {
			this.inFlight.remove(connection);
			logger.debug("Could not send PING on the pub/sub connection to Redis: {}", ex.toString());
			return;
		}
		reply.whenComplete((pong, error) -> {
			this.inFlight.remove(connection);
			if (error == null || unwrap(error) instanceof RedisCommandExecutionException) {
				logger.trace("Pub/sub connection to Redis answered PING in {} us",
						TimeUnit.NANOSECONDS.toMicros(this.scheduler.nanoTime() - sent));
			}
		});
		this.scheduler.schedule(() -> expire(connection, reply), this.settings.timeout());
	}

	private void expire(StatefulRedisPubSubConnection<Object, Object> connection, RedisFuture<String> reply) {
		if (reply.isDone() || !reply.cancel(false)) {
			return;
		}
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
		}
		if (!connection.isOpen() || !this.connections.get().contains(connection)) {
			// it dropped (or was replaced) by itself meanwhile: the connection watcher
			// reports that
			return;
		}
		this.failures.incrementAndGet();
		this.dropping.accept(connection);
		boolean dropped = disconnect(connection);
		int count = this.topics.getAsInt();
		if (dropped) {
			logger.warn(
					"The pub/sub connection to Redis did not answer PING within {} ms (half-open): dropped it; "
							+ "it reconnects and the invalidations of {} topics resync",
					this.settings.timeout().toMillis(), count);
		}
		else {
			logger.warn(
					"The pub/sub connection to Redis did not answer PING within {} ms (half-open), and this client "
							+ "({}) cannot drop it: invalidations of {} topics may not arrive until TCP notices",
					this.settings.timeout().toMillis(), connection.getClass().getSimpleName(), count);
		}
	}

	/**
	 * Close the connection's channel under Lettuce, as if the network had: Lettuce's
	 * watchdog reconnects it and resubscribes its channels. Closing the connection itself
	 * would leave the listener container holding a dead subscription.
	 * @return whether the channel could be reached
	 */
	private static boolean disconnect(StatefulRedisPubSubConnection<Object, Object> connection) {
		if (!(connection instanceof RedisChannelHandler<?, ?> handler)) {
			return false;
		}
		Object writer = handler.getChannelWriter();
		while (writer instanceof Delegating<?> delegating && !(writer instanceof DefaultEndpoint)) {
			writer = delegating.getDelegate();
		}
		if (writer instanceof DefaultEndpoint endpoint) {
			endpoint.disconnect();
			return true;
		}
		return false;
	}

	private static Throwable unwrap(Throwable error) {
		Throwable cause = error;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
