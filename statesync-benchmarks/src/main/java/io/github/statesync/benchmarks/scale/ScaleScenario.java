package io.github.statesync.benchmarks.scale;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import io.github.statesync.benchmarks.reader.ReaderContext;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.benchmarks.support.RunMode;
import io.github.statesync.benchmarks.support.ScenarioResult;
import io.github.statesync.benchmarks.writer.StatesyncWriter;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.core.publish.StatePublisher;

/**
 * Scenario 4, scale: many topics in one reader, declared two ways: only in properties
 * ({@code statesync.topics.<name>.required=true}, so each surfaces as a
 * {@code SyncedValue<JsonNode>} bean and start-up waits for its first snapshot;
 * {@code scale/statesync}), and in bulk by one required {@code StateSyncTopicGroup} bean
 * ({@code scale/statesync-group}). Run it in a JVM of its own ({@code run.sh} does), as
 * it diffs the JVM's threads.
 * <ul>
 * <li>heap per topic: heap used after GC with all topics running, less that of a reader
 * with one topic, over the extra topics (the data is tiny: {@code {"on":true}}); and the
 * same from class histograms, by class: statesync's own classes' share, and the classes
 * that grow most per topic;</li>
 * <li>threads: those the reader adds to this JVM, by name, and how many more the topics
 * add over the one-topic reader;</li>
 * <li>Redis connections the reader opens ({@code CLIENT LIST});</li>
 * <li>cold start: the context's whole start, and statesync's part of it (from the
 * lifecycle phase before statesync's until every topic holds its first snapshot).</li>
 * </ul>
 *
 * @author statesync
 */
public final class ScaleScenario {

	static final String PREFIX = "scale-";

	private static final String LIBRARY_PACKAGE = "io.github.statesync.";

	private static final int TOP_CLASSES = 12;

	private final RedisTarget redis;

	private final int topics;

	/**
	 * Create the scenario.
	 * @param redis the server
	 * @param mode quick (2,000 topics) or full (10,000)
	 */
	public ScaleScenario(RedisTarget redis, RunMode mode) {
		this.redis = redis;
		this.topics = mode.pick(2_000, 10_000);
	}

	/**
	 * Publish every topic, then, for each way of declaring them (properties, then one
	 * {@link ScaleGroupConfiguration group bean}), start a one-topic reader and then the
	 * many-topic reader, and measure.
	 * @return the result of each way
	 * @throws InterruptedException if interrupted while measuring the heap
	 */
	public List<ScenarioResult> run() throws InterruptedException {
		try (StatesyncWriter writer = new StatesyncWriter(this.redis)) {
			StatePublisher publisher = writer.publisher();
			for (int i = 0; i < this.topics; i++) {
				publisher.publish(PREFIX + i, Map.of("on", true));
			}
			return List.of(measure("scale/statesync", this::propertiesReader),
					measure("scale/statesync-group", this::groupReader));
		}
	}

	private ScenarioResult measure(String name, IntFunction<ReaderContext.Builder> readers)
			throws InterruptedException {
		Map<String, Integer> threadsBefore = JvmProbe.threads();
		int clientsBefore = this.redis.clientCount();
		long heapOneTopic;
		Map<String, Long> classesOneTopic;
		Map<String, Integer> threadsOneTopic;
		try (ReaderContext reader = readers.apply(1).start()) {
			heapOneTopic = JvmProbe.heapUsedAfterGc();
			classesOneTopic = JvmProbe.classHistogram();
			threadsOneTopic = JvmProbe.threads();
		}
		long starting = System.nanoTime();
		try (ReaderContext reader = readers.apply(this.topics).source(ScaleConfiguration.class).start()) {
			long started = System.nanoTime();
			long statesyncStarting = reader.bean(StartMarker.class).startedNanos();
			long heapAllTopics = JvmProbe.heapUsedAfterGc();
			Map<String, Long> perTopic = JvmProbe.perObject(classesOneTopic, JvmProbe.classHistogram(),
					this.topics - 1);
			Map<String, Integer> threadsAllTopics = JvmProbe.threads();
			Map<String, Integer> added = JvmProbe.added(threadsBefore, threadsAllTopics);
			Map<String, Object> fields = new LinkedHashMap<>();
			fields.put("topics", this.topics);
			fields.put("topics_with_snapshot", withSnapshot(reader.topics()));
			fields.put("heap_per_topic_bytes", (heapAllTopics - heapOneTopic) / (this.topics - 1));
			fields.put("histogram_per_topic_bytes", perTopic.values().stream().mapToLong(Long::longValue).sum());
			fields.put("statesync_classes_per_topic_bytes",
					perTopic.entrySet()
						.stream()
						.filter((entry) -> entry.getKey().startsWith(LIBRARY_PACKAGE))
						.mapToLong(Map.Entry::getValue)
						.sum());
			fields.put("top_classes_per_topic",
					perTopic.entrySet()
						.stream()
						.limit(TOP_CLASSES)
						.map((entry) -> entry.getKey().replace(LIBRARY_PACKAGE, "") + ":" + entry.getValue())
						.collect(Collectors.joining(" ")));
			fields.put("statesync_classes",
					perTopic.entrySet()
						.stream()
						.filter((entry) -> entry.getKey().startsWith(LIBRARY_PACKAGE))
						.map((entry) -> entry.getKey().replace(LIBRARY_PACKAGE, "") + ":" + entry.getValue())
						.collect(Collectors.joining(" ")));
			fields.put("heap_one_topic_reader_mb", heapOneTopic / (1024 * 1024));
			fields.put("threads_added", added.values().stream().mapToInt(Integer::intValue).sum());
			fields.put("threads_added_by_topics", count(threadsAllTopics) - count(threadsOneTopic));
			fields.put("thread_names",
					added.entrySet()
						.stream()
						.map((entry) -> entry.getKey() + " x" + entry.getValue())
						.collect(Collectors.joining(", ")));
			fields.put("redis_connections", this.redis.clientCount() - clientsBefore);
			fields.put("context_start_ms", (started - starting) / 1_000_000);
			fields.put("statesync_start_ms", (started - statesyncStarting) / 1_000_000);
			return new ScenarioResult(name, fields);
		}
	}

	private ReaderContext.Builder propertiesReader(int count) {
		ReaderContext.Builder reader = ReaderContext.builder(this.redis, "scale-reader-" + count);
		for (int i = 0; i < count; i++) {
			reader.property("statesync.topics." + PREFIX + i + ".required", true);
		}
		return reader;
	}

	private ReaderContext.Builder groupReader(int count) {
		return ReaderContext.builder(this.redis, "scale-group-reader-" + count)
			.source(ScaleGroupConfiguration.class)
			.property(ScaleGroupConfiguration.COUNT, count);
	}

	private long withSnapshot(SyncedTopicRegistry registry) {
		return registry.topics()
			.stream()
			.filter((topic) -> topic.startsWith(PREFIX) && registry.value(topic).revision().longValue() != 0)
			.count();
	}

	private static int count(Map<String, Integer> threads) {
		return threads.values().stream().mapToInt(Integer::intValue).sum();
	}

}
