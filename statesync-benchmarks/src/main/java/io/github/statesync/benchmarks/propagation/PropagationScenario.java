package io.github.statesync.benchmarks.propagation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.github.statesync.benchmarks.propagation.LettuceFloorTarget.Variant;
import io.github.statesync.benchmarks.propagation.StatesyncTarget.ReaderKind;
import io.github.statesync.benchmarks.support.LatencyRecorder;
import io.github.statesync.benchmarks.support.Pacer;
import io.github.statesync.benchmarks.support.Percentiles;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.benchmarks.support.RunMode;
import io.github.statesync.benchmarks.support.ScenarioResult;
import org.redisson.api.options.LocalCachedMapOptions.SyncStrategy;

/**
 * Scenario 1, propagation: one writer and one reader in separate Redis clients, the same
 * ~200 B JSON state for every target, writes paced about 1 ms apart after a warm-up. A
 * write's latency is the instant the reader holds it (or a newer one) minus the instant
 * just before the writer sent it, both from {@link System#nanoTime()} in this JVM. The
 * targets run one after the other in the same JVM, so compare their ratios within one
 * run.
 *
 * @author statesync
 */
public final class PropagationScenario {

	private static final long INTERVAL_NANOS = 1_000_000;

	private static final long DRAIN_TIMEOUT_MILLIS = 30_000;

	private final RedisTarget redis;

	private final int warmup;

	private final int writes;

	/**
	 * Create the scenario.
	 * @param redis the server
	 * @param mode quick (300 + 1,500 writes) or full (500 + 5,000)
	 */
	public PropagationScenario(RedisTarget redis, RunMode mode) {
		this.redis = redis;
		this.warmup = mode.pick(300, 500);
		this.writes = mode.pick(1_500, 5_000);
	}

	/**
	 * Return every target, floors first.
	 * @param redis the server
	 * @return the targets
	 */
	public static List<PropagationTarget> targets(RedisTarget redis) {
		return List.of(new LettuceFloorTarget(redis, Variant.FETCH), new LettuceFloorTarget(redis, Variant.PUSH),
				new RedissonTarget(redis, SyncStrategy.INVALIDATE), new RedissonTarget(redis, SyncStrategy.UPDATE),
				new StatesyncTarget(redis, ReaderKind.BEAN, false), new StatesyncTarget(redis, ReaderKind.VALUE, false),
				new StatesyncTarget(redis, ReaderKind.BEAN, true),
				new StatesyncTarget(redis, ReaderKind.BEAN, false).applyOnDeliveringThread(),
				new StatesyncTarget(redis, ReaderKind.BEAN, true).applyOnDeliveringThread());
	}

	/**
	 * Return the statesync targets only (what the JFR profile records).
	 * @param redis the server
	 * @return the targets
	 */
	public static List<PropagationTarget> statesyncTargets(RedisTarget redis) {
		return List.of(new StatesyncTarget(redis, ReaderKind.BEAN, false),
				new StatesyncTarget(redis, ReaderKind.VALUE, false), new StatesyncTarget(redis, ReaderKind.BEAN, true));
	}

	/**
	 * Run the given targets one after the other.
	 * @param targets the targets
	 * @return one result per target
	 * @throws Exception if a target failed
	 */
	public List<ScenarioResult> run(List<PropagationTarget> targets) throws Exception {
		List<ScenarioResult> results = new ArrayList<>();
		for (PropagationTarget target : targets) {
			results.add(run(target));
		}
		return results;
	}

	private ScenarioResult run(PropagationTarget target) throws Exception {
		int total = this.warmup + this.writes;
		LatencyRecorder recorder = new LatencyRecorder(total + 1);
		try (target) {
			target.open(recorder);
			Pacer pacer = new Pacer(INTERVAL_NANOS);
			for (int i = 1; i <= total; i++) {
				pacer.await();
				recorder.sent(i);
				target.write(i);
			}
			Map<String, Object> fields = new LinkedHashMap<>();
			try {
				recorder.await(total, DRAIN_TIMEOUT_MILLIS);
			}
			catch (TimeoutException ex) {
				fields.put("error", ex.getMessage());
			}
			int measured = Math.min(recorder.highest(), total) - this.warmup;
			if (measured > 0) {
				fields.putAll(
						Percentiles.ofNanos(recorder.latencies(this.warmup + 1, this.warmup + 1 + measured)).fields());
			}
			fields.put("writes", measured);
			fields.put("interval_us", INTERVAL_NANOS / 1000);
			fields.putAll(target.counters());
			return new ScenarioResult("propagation/" + target.name(), fields);
		}
	}

}
