package io.github.statesync.boot.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.statesync.boot.StateSyncAppliedEvent;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.jackson.JacksonSyncCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Fans the revisions this node applies out to every open event stream, in the JVM, from
 * the node's one subscription per topic. Streams announce <em>applied</em> revisions, not
 * raw invalidations: a client that fetches the snapshot from this node on an event is
 * served that revision or a newer one, never the one before.
 * <p>
 * The applying thread only hands the event over: one shared thread encodes it and offers
 * it to each stream, which writes only what its connection takes without blocking and is
 * closed when its client falls more than its buffer behind. The same thread sends the
 * heartbeats. No thread is held per stream.
 * <p>
 * A {@link SmartLifecycle} in phase {@value #PHASE}: it stops, closing every stream,
 * before the web server's graceful shutdown waits for requests in progress (a stream
 * would hold it to its timeout) and refuses new streams from then on.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class InvalidationStreams
		implements ApplicationListener<StateSyncAppliedEvent<?>>, SmartLifecycle, DisposableBean {

	/**
	 * The phase: {@code DEFAULT_PHASE - 512}, above the web server's graceful shutdown
	 * ({@code DEFAULT_PHASE - 1024}), so streams close before it waits for requests.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Logger logger = LoggerFactory.getLogger(InvalidationStreams.class);

	private final ServedTopics served;

	private final int bufferSize;

	private final int maxStreams;

	private final Duration heartbeat;

	private final JacksonSyncCodec codec = new JacksonSyncCodec();

	private final Map<String, Set<EventStream>> byTopic = new ConcurrentHashMap<>();

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicLong overflows = new AtomicLong();

	private final AtomicBoolean running = new AtomicBoolean();

	private final ScheduledThreadPoolExecutor executor;

	private volatile @Nullable ScheduledFuture<?> heartbeats;

	/**
	 * Create the streams.
	 * @param served the topics served
	 * @param bufferSize the frames a stream may hold for a client not reading them
	 * @param maxStreams the maximum number of open streams
	 * @param heartbeat the interval of heartbeat comments
	 */
	public InvalidationStreams(ServedTopics served, int bufferSize, int maxStreams, Duration heartbeat) {
		if (bufferSize < 1 || maxStreams < 0 || heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException("bufferSize must be positive, maxStreams not negative and "
					+ "heartbeat positive, were " + bufferSize + ", " + maxStreams + ", " + heartbeat);
		}
		this.served = served;
		this.bufferSize = bufferSize;
		this.maxStreams = maxStreams;
		this.heartbeat = heartbeat;
		this.executor = new ScheduledThreadPoolExecutor(1, new CustomizableThreadFactory("statesync-stream-"));
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Return the topics served.
	 * @return the served topics
	 */
	public ServedTopics served() {
		return this.served;
	}

	/**
	 * Take a slot for a new stream.
	 * @return {@code false} if the maximum number of streams is open or the streams are
	 * stopped: answer {@code 503}
	 */
	boolean reserve() {
		if (!this.running.get()) {
			return false;
		}
		while (true) {
			int current = this.open.get();
			if (current >= this.maxStreams) {
				return false;
			}
			if (this.open.compareAndSet(current, current + 1)) {
				return true;
			}
		}
	}

	/**
	 * Give back a slot taken by {@link #reserve()} for a stream that was never opened.
	 */
	void release() {
		this.open.decrementAndGet();
	}

	int bufferSize() {
		return this.bufferSize;
	}

	/**
	 * Open a stream on a reserved slot: from now on it receives every revision applied of
	 * its topics, after one event per topic with a snapshot carrying its current revision
	 * (unless its {@code Last-Event-ID} says the client was told of it).
	 * @param stream the stream
	 */
	void open(EventStream stream) {
		for (String topic : stream.topics()) {
			this.byTopic.computeIfAbsent(topic, (key) -> ConcurrentHashMap.newKeySet()).add(stream);
		}
		if (!this.running.get()) {
			stream.close(EventStream.Closing.SHUTDOWN);
			return;
		}
		// registered first: an apply racing this read is offered too, and the stream
		// keeps the newer of the two
		for (String topic : stream.topics()) {
			Revision current = this.served.registry().value(topic).revision();
			if (!current.equals(Revision.ZERO)) {
				stream.offer(topic, current, json(topic, current));
			}
		}
		stream.flushQueue();
	}

	void closed(EventStream stream, EventStream.Closing reason) {
		boolean removed = false;
		for (String topic : stream.topics()) {
			Set<EventStream> streams = this.byTopic.get(topic);
			if (streams != null) {
				removed |= streams.remove(stream);
			}
		}
		this.open.decrementAndGet();
		if (reason == EventStream.Closing.OVERFLOW) {
			this.overflows.incrementAndGet();
			logger.info("Closed an event stream of topics {}: its client fell more than {} events behind",
					stream.topics(), this.bufferSize);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Closed an event stream of topics {} ({}, registered: {})", stream.topics(), reason, removed);
		}
	}

	/**
	 * Hand a revision this node applied to the streams of its topic. Called on the
	 * applying thread, which it never blocks.
	 */
	@Override
	public void onApplicationEvent(StateSyncAppliedEvent<?> event) {
		String topic = event.getTopic();
		Set<EventStream> streams = this.byTopic.get(topic);
		if (streams == null || streams.isEmpty() || !this.running.get()) {
			return;
		}
		Revision revision = event.getRevision();
		this.executor.execute(() -> fanOut(topic, revision));
	}

	private void fanOut(String topic, Revision revision) {
		Set<EventStream> streams = this.byTopic.get(topic);
		if (streams == null) {
			return;
		}
		String json = json(topic, revision);
		for (EventStream stream : streams) {
			stream.offer(topic, revision, json);
		}
	}

	private String json(String topic, Revision revision) {
		return new String(this.codec.encodeEvent(InvalidationEvent.of(topic, revision)), StandardCharsets.UTF_8);
	}

	private void heartbeats() {
		this.byTopic.values().stream().flatMap(Set::stream).distinct().forEach(EventStream::heartbeat);
	}

	/**
	 * Run a task on the streams' thread (the container's callbacks are handed over to
	 * it).
	 * @param task the task
	 */
	void execute(Runnable task) {
		this.executor.execute(task);
	}

	/**
	 * Return the number of open streams.
	 * @return the open streams
	 */
	public int openStreams() {
		return this.open.get();
	}

	/**
	 * Return how many streams were closed because their client fell more than the buffer
	 * behind.
	 * @return the streams closed for overflow
	 */
	public long overflowedStreams() {
		return this.overflows.get();
	}

	@Override
	public void start() {
		if (this.running.compareAndSet(false, true)) {
			long millis = this.heartbeat.toMillis();
			this.heartbeats = this.executor.scheduleWithFixedDelay(this::heartbeats, millis, millis,
					TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void stop() {
		if (this.running.compareAndSet(true, false)) {
			List<EventStream> all = this.byTopic.values().stream().flatMap(Set::stream).distinct().toList();
			all.forEach((stream) -> stream.close(EventStream.Closing.SHUTDOWN));
			if (!all.isEmpty()) {
				logger.info("Closed {} event streams for shutdown", all.size());
			}
			ScheduledFuture<?> beating = this.heartbeats;
			if (beating != null) {
				beating.cancel(false);
			}
		}
	}

	@Override
	public void destroy() {
		stop();
		this.executor.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return this.running.get();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
