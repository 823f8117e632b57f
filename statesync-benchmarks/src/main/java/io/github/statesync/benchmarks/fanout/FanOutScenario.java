package io.github.statesync.benchmarks.fanout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.statesync.benchmarks.reader.BenchTopicConfiguration;
import io.github.statesync.benchmarks.reader.ReaderContext;
import io.github.statesync.benchmarks.reader.SyncCounters;
import io.github.statesync.benchmarks.support.BenchState;
import io.github.statesync.benchmarks.support.ClusterTarget;
import io.github.statesync.benchmarks.support.LatencyRecorder;
import io.github.statesync.benchmarks.support.Pacer;
import io.github.statesync.benchmarks.support.Percentiles;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.benchmarks.support.RunMode;
import io.github.statesync.benchmarks.support.ScenarioResult;
import io.github.statesync.benchmarks.writer.StatesyncWriter;
import io.github.statesync.core.publish.StatePublisher;
import org.jspecify.annotations.Nullable;

/**
 * Scenario 3, fan-out: one statesync writer and many readers, each a Spring Boot
 * application with its own connection factory and event loops, all in this JVM. A write's
 * latency is the instant the last reader holds it minus the instant just before it was
 * sent. With 2 cores and every reader in one JVM this measures the library's CPU cost per
 * reader as much as Redis's fan-out.
 *
 * @author statesync
 */
public final class FanOutScenario {

	private static final long INTERVAL_NANOS = 2_000_000;

	private final RedisTarget redis;

	private final int readers;

	private final int warmup;

	private final int writes;

	private final @Nullable ClusterTarget cluster;

	/**
	 * Create the scenario.
	 * @param redis the server
	 * @param mode quick (20 readers, 50 + 200 writes) or full (50 readers, 100 + 500)
	 */
	public FanOutScenario(RedisTarget redis, RunMode mode) {
		this(redis, mode, null);
	}

	/**
	 * Create the scenario on a Redis Cluster.
	 * @param redis the single server (not used when {@code cluster} is given)
	 * @param mode quick (20 readers, 50 + 200 writes) or full (50 readers, 100 + 500)
	 * @param cluster the cluster, or {@code null} for the single server
	 */
	public FanOutScenario(RedisTarget redis, RunMode mode, @Nullable ClusterTarget cluster) {
		this.cluster = cluster;
		this.redis = redis;
		this.readers = mode.pick(20, 50);
		this.warmup = mode.pick(50, 100);
		this.writes = mode.pick(200, 500);
	}

	/**
	 * Start the readers, run the writes and stop everything.
	 * @return the result
	 * @throws TimeoutException if a reader never caught up
	 */
	public ScenarioResult run() throws TimeoutException {
		String topic = BenchTopicConfiguration.TOPIC;
		int total = this.warmup + this.writes;
		long[] sent = new long[total + 1];
		List<LatencyRecorder> recorders = new ArrayList<>();
		List<ReaderContext> contexts = new ArrayList<>();
		SyncCounters counters = new SyncCounters();
		try (StatesyncWriter writer = (this.cluster != null) ? new StatesyncWriter(this.cluster, 0)
				: new StatesyncWriter(this.redis)) {
			StatePublisher publisher = writer.publisher();
			publisher.publish(topic, BenchState.forSequence(0));
			long startingReaders = System.nanoTime();
			for (int r = 0; r < this.readers; r++) {
				LatencyRecorder recorder = new LatencyRecorder(total + 1);
				recorders.add(recorder);
				ReaderContext.Builder reader = ReaderContext.builder(this.redis, "fanout-reader-" + r);
				if (this.cluster != null) {
					reader.cluster(this.cluster);
				}
				contexts.add(reader.withTopicBean()
					.syncListener(counters)
					.onApplied((event) -> recorder.observed(((BenchState) event.getValue()).getSequence()))
					.start());
			}
			long readersStarted = System.nanoTime();
			counters.reset();
			Pacer pacer = new Pacer(INTERVAL_NANOS);
			for (int i = 1; i <= total; i++) {
				pacer.await();
				sent[i] = System.nanoTime();
				publisher.publish(topic, BenchState.forSequence(i));
			}
			for (LatencyRecorder recorder : recorders) {
				recorder.await(total, TimeUnit.SECONDS.toMillis(60));
			}
			Map<String, Object> fields = new LinkedHashMap<>();
			fields.put("readers", this.readers);
			fields.put("writes", this.writes);
			fields.put("interval_us", INTERVAL_NANOS / 1000);
			fields.putAll(Percentiles.ofNanos(allHold(sent, recorders)).fields());
			fields.put("reader_start_ms_each", (readersStarted - startingReaders) / 1_000_000 / this.readers);
			fields.put("fetches_all_readers", counters.fetches());
			fields.put("fetch_retries_all_readers", counters.retries());
			return new ScenarioResult("fanout/statesync" + ((this.cluster != null) ? "-" + this.cluster.label() : ""),
					fields);
		}
		finally {
			contexts.forEach(ReaderContext::close);
		}
	}

	private long[] allHold(long[] sent, List<LatencyRecorder> recorders) {
		long[] latencies = new long[this.writes];
		for (int i = this.warmup + 1; i < sent.length; i++) {
			long last = 0;
			for (LatencyRecorder recorder : recorders) {
				last = Math.max(last, recorder.seenNanos(i));
			}
			latencies[i - this.warmup - 1] = last - sent[i];
		}
		return latencies;
	}

}
