package io.github.statesync.benchmarks.burst;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.statesync.benchmarks.reader.BenchTopicConfiguration;
import io.github.statesync.benchmarks.reader.ReaderContext;
import io.github.statesync.benchmarks.reader.SyncCounters;
import io.github.statesync.benchmarks.support.BenchState;
import io.github.statesync.benchmarks.support.LatencyRecorder;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.benchmarks.support.RunMode;
import io.github.statesync.benchmarks.support.ScenarioResult;
import io.github.statesync.benchmarks.writer.StatesyncWriter;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;

/**
 * Scenario 2, burst: the writer publishes as fast as its blocking
 * {@link StatePublisher#publish} allows and one statesync reader follows. Reported: how
 * many invalidations the reader received and how many passed the revision gate, how many
 * fetches it issued (coalescing should keep them far below the writes), the wall time
 * from the first write until the reader holds the last one, and whether the revision it
 * ends on is the writer's final revision.
 *
 * @author statesync
 */
public final class BurstScenario {

	private static final long TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(60);

	private final RedisTarget redis;

	private final int writes;

	private final boolean pipelined;

	/**
	 * Create the scenario.
	 * @param redis the server
	 * @param mode quick (2,000 writes) or full (10,000)
	 * @param pipelined whether the writer sends every write without waiting for the
	 * previous one ({@code publishAsync}) rather than one blocking {@code publish} after
	 * the other
	 */
	public BurstScenario(RedisTarget redis, RunMode mode, boolean pipelined) {
		this.redis = redis;
		this.writes = mode.pick(2_000, 10_000);
		this.pipelined = pipelined;
	}

	/**
	 * Run the burst.
	 * @return the result
	 * @throws TimeoutException if the reader never caught up
	 */
	public ScenarioResult run() throws TimeoutException {
		String topic = BenchTopicConfiguration.TOPIC;
		LatencyRecorder recorder = new LatencyRecorder(this.writes + 1);
		SyncCounters counters = new SyncCounters();
		try (StatesyncWriter writer = new StatesyncWriter(this.redis)) {
			StatePublisher publisher = writer.publisher();
			publisher.publish(topic, BenchState.forSequence(0));
			try (ReaderContext reader = ReaderContext.builder(this.redis, "burst-reader")
				.withTopicBean()
				.syncListener(counters)
				.onApplied((event) -> recorder.observed(((BenchState) event.getValue()).getSequence()))
				.start()) {
				counters.reset();
				long start = System.nanoTime();
				Revision last = Revision.ZERO;
				if (this.pipelined) {
					List<CompletableFuture<Revision>> sent = new ArrayList<>(this.writes);
					for (int i = 1; i <= this.writes; i++) {
						sent.add(writer.store().publishAsync(topic, BenchState.forSequence(i)));
					}
					for (CompletableFuture<Revision> revision : sent) {
						last = revision.join();
					}
				}
				else {
					for (int i = 1; i <= this.writes; i++) {
						last = publisher.publish(topic, BenchState.forSequence(i));
					}
				}
				long written = System.nanoTime();
				recorder.await(this.writes, TIMEOUT_MILLIS);
				long converged = System.nanoTime();
				awaitInvalidations(counters);
				Map<String, Object> fields = new LinkedHashMap<>();
				fields.put("writes", this.writes);
				fields.put("write_ms", millis(written - start));
				fields.put("writes_per_s", Math.round(this.writes / ((written - start) / 1e9)));
				fields.put("converged_ms", millis(converged - start));
				fields.put("after_last_write_ms", millis(converged - written));
				fields.put("invalidations_received", counters.accepted() + counters.stale());
				fields.putAll(counters.fields());
				fields.put("final_revision_held", reader.topics().value(topic).revision().equals(last));
				return new ScenarioResult(this.pipelined ? "burst/statesync-pipelined" : "burst/statesync", fields);
			}
		}
	}

	/**
	 * Wait, briefly, for invalidations still in flight after the last apply, so the
	 * counts cover every write.
	 */
	private void awaitInvalidations(SyncCounters counters) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (counters.accepted() + counters.stale() < this.writes && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
	}

	private static double millis(long nanos) {
		return Math.round(nanos / 100_000.0) / 10.0;
	}

}
