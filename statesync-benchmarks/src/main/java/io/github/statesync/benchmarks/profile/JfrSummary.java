package io.github.statesync.benchmarks.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples ({@code jdk.ExecutionSample}) of a JFR recording: samples
 * per thread (the last number masked, so a pool adds up while two Lettuce client
 * resources stay apart), the top frames outside {@code main}, the writer's and start-up's
 * thread (where the CPU was), the reader threads' self time by library, and the frames
 * most often on the stack of the reader's threads (what they were doing, inclusive).
 *
 * @author statesync
 */
public final class JfrSummary {

	private static final int TOP = 30;

	private static final List<String> LIBRARIES = List.of("io.github.statesync", "tools.jackson", "org.springframework",
			"io.lettuce", "io.netty", "reactor", "java.util.concurrent", "java", "jdk", "sun");

	private JfrSummary() {
	}

	/**
	 * Print the summary of a recording.
	 * @param args the recording's path
	 * @throws IOException if the recording cannot be read
	 */
	public static void main(String[] args) throws IOException {
		Map<String, Integer> threads = new HashMap<>();
		Map<String, Integer> topFrames = new HashMap<>();
		Map<String, Integer> inclusive = new HashMap<>();
		Map<String, Integer> libraries = new HashMap<>();
		int samples = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
			if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
				continue;
			}
			samples++;
			String thread = event.getThread("sampledThread").getJavaName().replaceAll("\\d+$", "#");
			threads.merge(thread, 1, Integer::sum);
			RecordedStackTrace stack = event.getStackTrace();
			List<RecordedFrame> frames = stack.getFrames();
			if (!frames.isEmpty() && !thread.equals("main")) {
				topFrames.merge(thread + " | " + name(frames.get(0)), 1, Integer::sum);
			}
			if (thread.startsWith("statesync") || thread.startsWith("lettuce")) {
				if (!frames.isEmpty()) {
					libraries.merge(thread + " | " + library(name(frames.get(0))), 1, Integer::sum);
				}
				frames.stream()
					.map(JfrSummary::name)
					.filter((name) -> !name.contains("$$Lambda") && (name.startsWith("io.github.statesync")
							|| name.startsWith("tools.jackson") || name.startsWith("org.springframework")))
					.distinct()
					.forEach((name) -> inclusive.merge(thread + " | " + name, 1, Integer::sum));
			}
		}
		System.out.println(samples + " CPU samples");
		print("Samples by thread", threads, samples);
		print("Top frames outside main (thread | method)", topFrames, samples);
		print("Self time of statesync and Lettuce threads by library (thread | library of the top frame)", libraries,
				samples);
		print("On the stack of statesync and Lettuce threads (statesync, Jackson, Spring frames)", inclusive, samples);
	}

	private static String library(String frame) {
		for (String prefix : LIBRARIES) {
			if (frame.startsWith(prefix)) {
				return prefix;
			}
		}
		return "other";
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	private static void print(String title, Map<String, Integer> counts, int samples) {
		System.out.println();
		System.out.println(title);
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
			.limit(TOP)
			.forEach((entry) -> System.out.printf("%6d %5.1f%%  %s%n", entry.getValue(),
					100.0 * entry.getValue() / samples, entry.getKey()));
	}

}
