package io.github.statesync.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.statesync.benchmarks.burst.BurstScenario;
import io.github.statesync.benchmarks.cluster.ClusterScenario;
import io.github.statesync.benchmarks.engine.EngineScenario;
import io.github.statesync.benchmarks.fanout.FanOutScenario;
import io.github.statesync.benchmarks.history.HistoryScenario;
import io.github.statesync.benchmarks.propagation.PropagationScenario;
import io.github.statesync.benchmarks.reconcile.ReconcileScenario;
import io.github.statesync.benchmarks.scale.ScaleScenario;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.benchmarks.support.ResultTable;
import io.github.statesync.benchmarks.support.ResultsFile;
import io.github.statesync.benchmarks.support.RunInfo;
import io.github.statesync.benchmarks.support.RunMode;
import io.github.statesync.benchmarks.support.ScenarioResult;

/**
 * Runs the scenarios of one benchmark run against a Redis server that the caller started
 * ({@code run.sh} does), appends one JSON line per result to the results file and prints
 * a table. Arguments, all {@code --name=value}: {@code redis-port} (required),
 * {@code redis-host} ({@code localhost}), {@code mode} ({@code quick} or {@code full}),
 * {@code scenarios} (comma-separated, default
 * {@code propagation,burst,fanout,scale,engine}), {@code results}
 * ({@code target/results.jsonl}), {@code batch} and {@code run} (which run.sh invocation
 * and which of its runs).
 *
 * @author statesync
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	/**
	 * Run the benchmarks.
	 * @param args the arguments
	 * @throws Exception if a scenario failed
	 */
	public static void main(String[] args) throws Exception {
		Map<String, String> options = parse(args);
		RedisTarget redis = new RedisTarget(options.getOrDefault("redis-host", "localhost"),
				Integer.parseInt(required(options, "redis-port")));
		RunMode mode = RunMode.valueOf(options.getOrDefault("mode", "quick").toUpperCase(Locale.ROOT));
		RunInfo run = RunInfo.of(mode, options.getOrDefault("batch", "adhoc"),
				Integer.parseInt(options.getOrDefault("run", "1")), redis);
		ResultsFile results = new ResultsFile(Path.of(options.getOrDefault("results", "target/results.jsonl")), run);
		List<ScenarioResult> all = new ArrayList<>();
		for (String scenario : options.getOrDefault("scenarios", "propagation,burst,fanout,scale,engine").split(",")) {
			redis.flushAll();
			List<ScenarioResult> measured = run(scenario.trim(), redis, mode);
			measured.forEach(results::append);
			all.addAll(measured);
		}
		System.out.println();
		ResultTable.print(all, System.out);
		// readers' and Redisson's non-daemon threads must not keep the JVM alive
		System.exit(0);
	}

	private static List<ScenarioResult> run(String scenario, RedisTarget redis, RunMode mode) throws Exception {
		System.out.println("== " + scenario);
		return switch (scenario) {
			case "propagation" -> new PropagationScenario(redis, mode).run(PropagationScenario.targets(redis));
			case "propagation-statesync" ->
				new PropagationScenario(redis, mode).run(PropagationScenario.statesyncTargets(redis));
			case "burst" ->
				List.of(new BurstScenario(redis, mode, false).run(), new BurstScenario(redis, mode, true).run());
			case "fanout" -> List.of(new FanOutScenario(redis, mode).run());
			case "scale" -> new ScaleScenario(redis, mode).run();
			case "engine" -> new EngineScenario(mode).run();
			case "reconcile" -> new ReconcileScenario(redis, mode).run();
			case "cluster" -> new ClusterScenario(redis, mode).run();
			case "history" -> new HistoryScenario(redis, mode).run();
			default -> throw new IllegalArgumentException("Unknown scenario '" + scenario + "'");
		};
	}

	private static Map<String, String> parse(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
				throw new IllegalArgumentException("Expected --name=value, got '" + arg + "'");
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		return options;
	}

	private static String required(Map<String, String> options, String name) {
		String value = options.get(name);
		if (value == null) {
			throw new IllegalArgumentException("Missing --" + name + "=...");
		}
		return value;
	}

}
