package io.github.statesync.benchmarks.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one scenario measured: its name and its own fields, in the order they are
 * reported.
 *
 * @param scenario the scenario's name, for example {@code propagation/statesync}
 * @param fields the measured values (numbers, booleans or strings)
 * @author statesync
 */
public record ScenarioResult(String scenario, Map<String, Object> fields) {

	/**
	 * Create a result, keeping the fields' order.
	 * @param scenario the scenario's name
	 * @param fields the measured values
	 */
	public ScenarioResult {
		fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
	}

}
