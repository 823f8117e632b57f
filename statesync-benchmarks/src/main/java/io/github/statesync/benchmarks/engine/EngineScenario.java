package io.github.statesync.benchmarks.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.statesync.benchmarks.support.RunMode;
import io.github.statesync.benchmarks.support.ScenarioResult;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link InvalidationGateBenchmark} with JMH and its GC profiler (one fork) and
 * reports, per benchmark, invalidations per second and bytes allocated per invalidation.
 *
 * @author statesync
 */
public final class EngineScenario {

	private final RunMode mode;

	/**
	 * Create the scenario.
	 * @param mode quick (3 x 1 s warm-up and measurement) or full (5 x 1 s warm-up, 5 x 2
	 * s measurement)
	 */
	public EngineScenario(RunMode mode) {
		this.mode = mode;
	}

	/**
	 * Run the benchmarks.
	 * @return one result per benchmark
	 * @throws RunnerException if JMH failed
	 */
	public List<ScenarioResult> run() throws RunnerException {
		Options options = new OptionsBuilder().include(InvalidationGateBenchmark.class.getName())
			.forks(1)
			.warmupIterations(this.mode.pick(3, 5))
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(this.mode.pick(3, 5))
			.measurementTime(TimeValue.seconds(this.mode.pick(1, 2)))
			.addProfiler(GCProfiler.class)
			.build();
		Collection<RunResult> runs = new Runner(options).run();
		List<ScenarioResult> results = new ArrayList<>();
		for (RunResult run : runs) {
			String method = run.getParams().getBenchmark();
			Map<String, Object> fields = new LinkedHashMap<>();
			fields.put("ops_per_s", Math.round(run.getPrimaryResult().getScore()));
			fields.put("ops_per_s_error", Math.round(run.getPrimaryResult().getScoreError()));
			fields.put("alloc_bytes_per_op", allocationPerOp(run));
			results.add(new ScenarioResult("engine/" + method.substring(method.lastIndexOf('.') + 1), fields));
		}
		return results;
	}

	private static double allocationPerOp(RunResult run) {
		for (Map.Entry<String, Result> secondary : run.getSecondaryResults().entrySet()) {
			if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
				return Math.round(secondary.getValue().getScore() * 10) / 10.0;
			}
		}
		return Double.NaN;
	}

}
