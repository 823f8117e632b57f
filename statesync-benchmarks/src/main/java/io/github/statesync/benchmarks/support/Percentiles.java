package io.github.statesync.benchmarks.support;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency percentiles in microseconds (nearest rank).
 *
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param p999 the 99.9th percentile
 * @param max the largest
 * @author statesync
 */
public record Percentiles(double p50, double p90, double p99, double p999, double max) {

	/**
	 * Compute the percentiles of latencies given in nanoseconds.
	 * @param nanos the latencies (sorted in place)
	 * @return the percentiles in microseconds
	 */
	public static Percentiles ofNanos(long[] nanos) {
		if (nanos.length == 0) {
			throw new IllegalArgumentException("no latencies");
		}
		Arrays.sort(nanos);
		return new Percentiles(at(nanos, 0.50), at(nanos, 0.90), at(nanos, 0.99), at(nanos, 0.999),
				micros(nanos[nanos.length - 1]));
	}

	private static double at(long[] sorted, double quantile) {
		int rank = (int) Math.ceil(quantile * sorted.length);
		return micros(sorted[Math.max(0, rank - 1)]);
	}

	private static double micros(long nanos) {
		return Math.round(nanos / 100.0) / 10.0;
	}

	/**
	 * Return the percentiles as result fields ({@code p50_us}, ...).
	 * @return the fields, in order
	 */
	public Map<String, Object> fields() {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("p50_us", this.p50);
		fields.put("p90_us", this.p90);
		fields.put("p99_us", this.p99);
		fields.put("p999_us", this.p999);
		fields.put("max_us", this.max);
		return fields;
	}

}
