package io.github.statesync.benchmarks.propagation;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.statesync.benchmarks.reader.BenchTopicConfiguration;
import io.github.statesync.benchmarks.reader.ReaderContext;
import io.github.statesync.benchmarks.reader.SyncCounters;
import io.github.statesync.benchmarks.support.BenchState;
import io.github.statesync.benchmarks.support.ClusterTarget;
import io.github.statesync.benchmarks.support.LatencyRecorder;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.benchmarks.writer.StatesyncWriter;
import io.github.statesync.boot.StateSyncAppliedEvent;
import org.jspecify.annotations.Nullable;

/**
 * statesync through its public API: the writer publishes with the
 * {@link io.github.statesync.core.publish.StatePublisher} of a
 * {@link io.github.statesync.redis.RedisSnapshotStore}; the reader is a Spring Boot
 * application with the starter, and the instant it holds a write is taken from its
 * {@link StateSyncAppliedEvent}. {@link ReaderKind#BEAN} syncs the quickstart's
 * {@code @SyncedTopic} bean; {@link ReaderKind#VALUE} a topic configured only in
 * properties, read as a {@code SyncedValue<BenchState>}. With {@code inline} the writer
 * carries the snapshot inside the invalidation ({@code inline-max-size}), so the reader
 * applies it without a fetch. With {@link #applyOnDeliveringThread()} (names ending in
 * {@code -direct}) the reader applies on the thread that delivered the snapshot
 * ({@code apply-on: delivering-thread}) instead of its scheduler.
 *
 * @author statesync
 */
public final class StatesyncTarget implements PropagationTarget {

	private static final int INLINE_MAX_BYTES = 4096;

	private final RedisTarget redis;

	private final ReaderKind kind;

	private final boolean inline;

	private final @Nullable ClusterTarget cluster;

	private boolean direct;

	private final SyncCounters counters = new SyncCounters();

	private @Nullable StatesyncWriter writer;

	private @Nullable ReaderContext reader;

	/**
	 * Create the target.
	 * @param redis the server
	 * @param kind how the reader syncs the topic
	 * @param inline whether the writer inlines the snapshot in the invalidation
	 */
	public StatesyncTarget(RedisTarget redis, ReaderKind kind, boolean inline) {
		this(redis, kind, inline, null);
	}

	/**
	 * Create a target whose writer and reader use a Redis Cluster.
	 * @param redis the single server (not used)
	 * @param kind how the reader syncs the topic
	 * @param inline whether the writer inlines the snapshot in the invalidation
	 * @param cluster the cluster, or {@code null} for the single server
	 */
	public StatesyncTarget(RedisTarget redis, ReaderKind kind, boolean inline, @Nullable ClusterTarget cluster) {
		this.redis = redis;
		this.kind = kind;
		this.inline = inline;
		this.cluster = cluster;
	}

	/**
	 * Make the reader apply on the thread that delivered each snapshot.
	 * @return this target
	 */
	public StatesyncTarget applyOnDeliveringThread() {
		this.direct = true;
		return this;
	}

	@Override
	public String name() {
		return ((this.kind == ReaderKind.BEAN) ? "statesync" : "statesync-value") + (this.inline ? "-inline" : "")
				+ (this.direct ? "-direct" : "") + ((this.cluster != null) ? "-" + this.cluster.label() : "");
	}

	@Override
	public void open(LatencyRecorder recorder) throws Exception {
		int inlineMaxBytes = this.inline ? INLINE_MAX_BYTES : 0;
		this.writer = (this.cluster != null) ? new StatesyncWriter(this.cluster, inlineMaxBytes)
				: new StatesyncWriter(this.redis, inlineMaxBytes);
		String topic = this.kind.topic();
		write(0);
		ReaderContext.Builder reader = ReaderContext.builder(this.redis, name() + "-reader")
			.onApplied((event) -> observe(event, topic, recorder))
			.syncListener(this.counters);
		if (this.cluster != null) {
			reader.cluster(this.cluster);
		}
		if (this.direct) {
			reader.property("statesync.topics." + topic + ".apply-on", "delivering-thread");
		}
		if (this.kind == ReaderKind.BEAN) {
			reader.withTopicBean();
		}
		else {
			reader.property("statesync.topics." + topic + ".type", BenchState.class.getName())
				.property("statesync.topics." + topic + ".required", true);
		}
		this.reader = reader.start();
		recorder.await(0, TimeUnit.SECONDS.toMillis(10));
		this.counters.reset();
	}

	private static void observe(StateSyncAppliedEvent event, String topic, LatencyRecorder recorder) {
		if (topic.equals(event.getTopic()) && event.getValue() instanceof BenchState state) {
			recorder.observed(state.getSequence());
		}
	}

	@Override
	public void write(int index) {
		this.writer.publisher().publish(this.kind.topic(), BenchState.forSequence(index));
	}

	@Override
	public Map<String, Object> counters() {
		return this.counters.fields();
	}

	@Override
	public void close() {
		if (this.reader != null) {
			this.reader.close();
		}
		if (this.writer != null) {
			this.writer.close();
		}
	}

	/**
	 * How the reader syncs the topic.
	 */
	public enum ReaderKind {

		/** A {@code @SyncedTopic} bean (apply mode {@code PATCH}). */
		BEAN(BenchTopicConfiguration.TOPIC),

		/** A topic configured in properties only, with a data type. */
		VALUE("bench-value");

		private final String topic;

		ReaderKind(String topic) {
			this.topic = topic;
		}

		/**
		 * Return the topic the reader syncs.
		 * @return the topic
		 */
		public String topic() {
			return this.topic;
		}

	}

}
