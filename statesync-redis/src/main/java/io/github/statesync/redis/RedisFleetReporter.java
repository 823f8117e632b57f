package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncScheduler;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;

/**
 * Reports the revision this node holds of every topic to Redis, for the fleet view
 * ({@link RedisFleetView}). A {@link SyncListener}: {@link #onApplied} only records the
 * revision in memory, and a timer on the {@link SyncScheduler} writes what changed since
 * the last report, at most once per topic per interval, without blocking any thread (the
 * Redis calls are asynchronous).
 * <p>
 * Layout: one hash per node, {@code <prefix>fleet:node:<node-id>}, field = topic, value =
 * revision, plus the field {@code ""} (no topic is empty) holding the time of the node's
 * last report in epoch milliseconds; the hash's key expires after the TTL unless the next
 * report renews it, so a node that dies vanishes within the TTL, and the set
 * {@code <prefix>fleet:nodes} names the nodes to look at. A report costs three commands
 * (one {@code HSET} of the heartbeat and the changed topics, {@code PEXPIRE},
 * {@code SADD}) whatever the number of topics; when the hash had expired (a node paused
 * past the TTL) the report writes every topic again. {@link #close()} deletes the node's
 * hash, so a node that stops cleanly vanishes at once.
 *
 * @author statesync
 * @since 0.2.0
 */
public final class RedisFleetReporter implements SyncListener, AutoCloseable {

	/** The hash field holding the time of the last report; no topic is empty. */
	static final String HEARTBEAT_FIELD = "";

	private static final long CLOSE_TIMEOUT_SECONDS = 2;

	private static final Logger logger = LoggerFactory.getLogger(RedisFleetReporter.class);

	private final ReactiveRedisTemplate<String, String> redis;

	private final String nodeId;

	private final String nodeKey;

	private final String nodesKey;

	private final SyncScheduler scheduler;

	private final Duration interval;

	private final Duration ttl;

	private final Clock clock;

	/** The revision held of every topic applied so far. */
	private final Map<String, String> held = new ConcurrentHashMap<>();

	/** The topics applied since the last report. */
	private final Set<String> changed = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicBoolean failing = new AtomicBoolean();

	private volatile SyncScheduler.@Nullable Cancellable next;

	private volatile CompletableFuture<?> inFlight = CompletableFuture.completedFuture(null);

	/**
	 * Create a reporter; {@link #start()} starts it.
	 * @param connectionFactory the Redis connections
	 * @param keys the key prefix
	 * @param nodeId this node's id
	 * @param scheduler runs the report timer
	 * @param interval time between reports: the longest a change takes to show in the
	 * fleet view
	 * @param ttl how long a node's report outlives its last heartbeat: the longest a node
	 * that died stays in the view
	 * @param clock the clock of the heartbeat
	 */
	public RedisFleetReporter(ReactiveRedisConnectionFactory connectionFactory, RedisTopicKeys keys, String nodeId,
			SyncScheduler scheduler, Duration interval, Duration ttl, Clock clock) {
		if (interval.isNegative() || interval.isZero() || ttl.compareTo(interval) <= 0) {
			throw new IllegalArgumentException(
					"interval must be positive and ttl longer than it, were " + interval + " and " + ttl);
		}
		this.redis = new ReactiveRedisTemplate<>(connectionFactory, RedisSerializationContext.string());
		this.nodeId = Objects.requireNonNull(nodeId, "nodeId must not be null");
		this.nodeKey = RedisFleetView.nodeKey(keys, nodeId);
		this.nodesKey = RedisFleetView.nodesKey(keys);
		this.scheduler = scheduler;
		this.interval = interval;
		this.ttl = ttl;
		this.clock = clock;
	}

	/**
	 * Return the id this node reports under.
	 * @return the node id
	 */
	public String nodeId() {
		return this.nodeId;
	}

	/**
	 * Start reporting: the first report is sent at once, then one every interval.
	 * Idempotent.
	 */
	public void start() {
		if (!this.closed.get() && this.started.compareAndSet(false, true)) {
			this.scheduler.execute(this::report);
		}
	}

	@Override
	public void onApplied(String topic, Revision previous, Revision applied, @Nullable Long eventTimestampMs) {
		this.held.put(topic, applied.toString());
		this.changed.add(topic);
	}

	private synchronized void report() {
		// synchronized with close(): no report starts after close() read the one in
		// flight (the calls are asynchronous: the lock is held only to send them)
		if (this.closed.get()) {
			return;
		}
		Map<String, String> fields = new HashMap<>();
		for (String topic : this.changed) {
			this.changed.remove(topic);
			String revision = this.held.get(topic);
			if (revision != null) {
				fields.put(topic, revision);
			}
		}
		String now = Long.toString(this.clock.millis());
		CompletableFuture<?> report = this.redis.opsForHash()
			.put(this.nodeKey, HEARTBEAT_FIELD, now)
			.flatMap((created) -> {
				// a new heartbeat field means the hash had expired (or is new): write
				// every topic again
				Map<String, String> write = created ? new HashMap<>(this.held) : fields;
				Mono<Boolean> topics = write.isEmpty() ? Mono.just(true)
						: this.redis.<String, String>opsForHash().putAll(this.nodeKey, write);
				return topics.then(this.redis.expire(this.nodeKey, this.ttl))
					.then(this.redis.opsForSet().add(this.nodesKey, this.nodeId));
			})
			.timeout(this.ttl)
			.toFuture()
			.whenComplete((result, failure) -> reported(fields, failure));
		this.inFlight = report;
	}

	private void reported(Map<String, String> fields, @Nullable Throwable failure) {
		if (failure != null) {
			// report them again next time
			this.changed.addAll(fields.keySet());
			if (this.failing.compareAndSet(false, true)) {
				logger.warn("Fleet report of node '{}' failed, retrying every {}: {}", this.nodeId, this.interval,
						RedisFailures.describe(failure));
			}
		}
		else if (this.failing.compareAndSet(true, false)) {
			logger.info("Fleet report of node '{}' works again", this.nodeId);
		}
		if (!this.closed.get()) {
			try {
				this.next = this.scheduler.schedule(this::report, this.interval);
			}
			catch (RuntimeException ex) {
				logger.debug("Fleet report timer refused, reports end", ex);
			}
		}
	}

	/**
	 * Stop reporting and delete this node's report, so that it leaves the fleet view at
	 * once. Waits for a report in flight, and for the deletion, at most
	 * {@value #CLOSE_TIMEOUT_SECONDS} seconds each (past that the report expires within
	 * the TTL). Idempotent.
	 */
	@Override
	public void close() {
		CompletableFuture<?> last;
		synchronized (this) {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			last = this.inFlight;
		}
		SyncScheduler.Cancellable timer = this.next;
		if (timer != null) {
			timer.cancel();
		}
		Duration wait = Duration.ofSeconds(CLOSE_TIMEOUT_SECONDS);
		long waitMillis = wait.toMillis();
		try {
			last.handle((result, failure) -> null).get(waitMillis, TimeUnit.MILLISECONDS);
			this.redis.unlink(this.nodeKey)
				.then(this.redis.opsForSet().remove(this.nodesKey, this.nodeId))
				.timeout(wait)
				.toFuture()
				.get(waitMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.info("Fleet report of node '{}' not deleted ({}); it expires within {}", this.nodeId,
					RedisFailures.describe(ex), this.ttl);
		}
	}

}
