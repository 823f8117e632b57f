package io.github.statesync.benchmarks.scale;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What the scale scenario reads from this JVM: heap used after garbage collection and the
 * live threads, grouped by name with digits masked ({@code statesync-apply-#}).
 *
 * @author statesync
 */
final class JvmProbe {

	// " 1: 123456 7890123 java.lang.String (java.base@17.0.15)"
	private static final Pattern HISTOGRAM_ROW = Pattern.compile("\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+).*");

	private JvmProbe() {
	}

	/**
	 * Collect garbage until the used heap settles, and return it.
	 * @return the heap in use, in bytes
	 * @throws InterruptedException if interrupted while waiting for the collector
	 */
	static long heapUsedAfterGc() throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			Thread.sleep(100);
			long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			if (Math.abs(used - now) < 64 * 1024) {
				return now;
			}
			used = now;
		}
		return used;
	}

	/**
	 * Return the live objects' bytes by class, from a class histogram (which collects
	 * garbage first), as {@code jcmd <pid> GC.class_histogram} prints it.
	 * @return the bytes of each class's instances
	 */
	static Map<String, Long> classHistogram() {
		String histogram;
		try {
			histogram = (String) ManagementFactory.getPlatformMBeanServer()
				.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
						new Object[] { new String[0] }, new String[] { String[].class.getName() });
		}
		catch (JMException ex) {
			throw new IllegalStateException("No class histogram from this JVM", ex);
		}
		Map<String, Long> bytes = new HashMap<>();
		for (String line : histogram.split("\\R")) {
			Matcher row = HISTOGRAM_ROW.matcher(line);
			if (row.matches()) {
				bytes.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
			}
		}
		return bytes;
	}

	/**
	 * Return how many bytes each of {@code count} objects (topics) adds per class, the
	 * classes that add most first.
	 * @param before the histogram without them
	 * @param after the histogram with them
	 * @param count how many were added
	 * @return bytes per added object by class, largest first, only classes that grew
	 */
	static Map<String, Long> perObject(Map<String, Long> before, Map<String, Long> after, int count) {
		Map<String, Long> grown = new LinkedHashMap<>();
		after.entrySet()
			.stream()
			.map((entry) -> Map.entry(entry.getKey(),
					(entry.getValue() - before.getOrDefault(entry.getKey(), 0L)) / count))
			.filter((entry) -> entry.getValue() > 0)
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.forEach((entry) -> grown.put(entry.getKey(), entry.getValue()));
		return grown;
	}

	/**
	 * Return the live threads, counted by name pattern.
	 * @return the count of each pattern
	 */
	static Map<String, Integer> threads() {
		Map<String, Integer> threads = new TreeMap<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			threads.merge(thread.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
		}
		return threads;
	}

	/**
	 * Return the threads of {@code after} that {@code before} did not have.
	 * @param before the earlier census
	 * @param after the later census
	 * @return the added threads by pattern, only patterns that grew
	 */
	static Map<String, Integer> added(Map<String, Integer> before, Map<String, Integer> after) {
		Map<String, Integer> added = new TreeMap<>();
		after.forEach((name, count) -> {
			int grown = count - before.getOrDefault(name, 0);
			if (grown > 0) {
				added.put(name, grown);
			}
		});
		return added;
	}

}
