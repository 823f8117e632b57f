package io.github.statesync.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prints, as Markdown, the median of every numeric field of every scenario over a set of
 * runs from {@code results.jsonl}, and the p50 ratios between propagation targets, each
 * computed within one run and then taken as the median. Arguments: {@code --results=path}
 * and either {@code --batch=id} (one {@code run.sh} invocation) or {@code --mode=full}
 * (every run of that mode).
 *
 * @author statesync
 */
public final class Summary {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final String[][] RATIOS = { { "statesync", "floor" }, { "statesync", "floor-push" },
			{ "statesync", "redisson-invalidate" }, { "statesync", "redisson-update" }, { "statesync-value", "floor" },
			{ "statesync-inline", "floor-push" }, { "statesync-inline", "floor" },
			{ "statesync-inline", "redisson-update" }, { "redisson-invalidate", "floor" },
			{ "statesync-direct", "floor" }, { "statesync-inline-direct", "floor-push" },
			{ "statesync-inline-direct", "redisson-update" } };

	private Summary() {
	}

	/**
	 * Print the summary.
	 * @param args the arguments
	 * @throws IOException if the results cannot be read
	 */
	public static void main(String[] args) throws IOException {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		Predicate<Map<String, Object>> selected = (options.containsKey("batch"))
				? (line) -> options.get("batch").equals(line.get("batch"))
				: (line) -> options.getOrDefault("mode", "full").equals(line.get("mode"));
		List<Map<String, Object>> lines = new ArrayList<>();
		for (String text : Files.readAllLines(Path.of(options.get("results")))) {
			Map<String, Object> line = mapper.readValue(text, new TypeReference<Map<String, Object>>() {
			});
			if (selected.test(line)) {
				lines.add(line);
			}
		}
		printScenarios(lines);
		printRatios(lines);
	}

	private static void printScenarios(List<Map<String, Object>> lines) {
		Map<String, List<Map<String, Object>>> byScenario = new TreeMap<>();
		lines.forEach((line) -> byScenario.computeIfAbsent((String) line.get("scenario"), (key) -> new ArrayList<>())
			.add(line));
		System.out.println("| scenario | runs | medians |");
		System.out.println("|---|---|---|");
		byScenario.forEach((scenario, runs) -> {
			Map<String, List<Double>> values = new LinkedHashMap<>();
			for (Map<String, Object> run : runs) {
				run.forEach((field, value) -> {
					if (value instanceof Number number && !field.equals("run")) {
						values.computeIfAbsent(field, (key) -> new ArrayList<>()).add(number.doubleValue());
					}
				});
			}
			StringBuilder medians = new StringBuilder();
			values.forEach(
					(field, numbers) -> medians.append(field).append('=').append(format(median(numbers))).append(' '));
			System.out.println("| " + scenario + " | " + runs.size() + " | " + medians.toString().trim() + " |");
		});
	}

	private static void printRatios(List<Map<String, Object>> lines) {
		Map<String, Map<String, Double>> p50ByRun = new LinkedHashMap<>();
		for (Map<String, Object> line : lines) {
			String scenario = (String) line.get("scenario");
			if (scenario.startsWith("propagation/") && line.get("p50_us") instanceof Number p50) {
				p50ByRun.computeIfAbsent(line.get("batch") + "#" + line.get("run"), (key) -> new HashMap<>())
					.put(scenario.substring("propagation/".length()), p50.doubleValue());
			}
		}
		System.out.println();
		System.out.println("| p50 ratio (within one run) | runs | median |");
		System.out.println("|---|---|---|");
		for (String[] ratio : RATIOS) {
			List<Double> values = new ArrayList<>();
			for (Map<String, Double> run : p50ByRun.values()) {
				if (run.containsKey(ratio[0]) && run.containsKey(ratio[1])) {
					values.add(run.get(ratio[0]) / run.get(ratio[1]));
				}
			}
			if (!values.isEmpty()) {
				System.out.println("| " + ratio[0] + " / " + ratio[1] + " | " + values.size() + " | "
						+ String.format("%.2f", median(values)) + " |");
			}
		}
	}

	private static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static String format(double value) {
		return (value == Math.rint(value) && Math.abs(value) < 1e15) ? Long.toString((long) value)
				: String.format("%.1f", value);
	}

}
