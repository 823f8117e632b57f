package io.github.statesync.benchmarks.scale;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the scale scenario reads from this JVM: heap used after garbage collection and the
 * live threads, grouped by name with digits masked ({@code statesync-apply-#}).
 *
 * @author statesync
 */
final class JvmProbe {

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
