package io.github.statesync.benchmarks.support;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Prints results for people: one line per scenario with its fields.
 *
 * @author statesync
 */
public final class ResultTable {

	private ResultTable() {
	}

	/**
	 * Print the results.
	 * @param results the results
	 * @param out where to print
	 */
	public static void print(List<ScenarioResult> results, PrintStream out) {
		int width = results.stream().mapToInt((result) -> result.scenario().length()).max().orElse(8);
		for (ScenarioResult result : results) {
			StringBuilder line = new StringBuilder(String.format("%-" + width + "s ", result.scenario()));
			for (Map.Entry<String, Object> field : result.fields().entrySet()) {
				line.append(' ').append(field.getKey()).append('=').append(field.getValue());
			}
			out.println(line);
		}
	}

}
