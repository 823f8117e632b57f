package io.github.statesync.boot.autoconfigure;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.statesync.boot.web.InvalidationStreams;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.test.redis.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Measurements of the event stream, printed, not asserted (run with
 * {@code -Dstatesync.measure=true}): heap per idle stream, latency from a write on one
 * node to the event on a stream of another, and a real {@code @statesync/core} client
 * following a topic (with {@code -Dstatesync.node.script=<path to e2e.mjs>}).
 */
@EnabledIfSystemProperty(named = "statesync.measure", matches = "true")
class StateSyncEventStreamMeasurements {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void heapPerIdleStream() throws Exception {
		int count = Integer.getInteger("statesync.measure.streams", 1000);
		try (ConfigurableApplicationContext node = node(WebApplicationType.SERVLET, "statesync.transport=local",
				"statesync.rest.stream.max-streams=" + (count + 10))) {
			int port = port(node);
			InvalidationStreams streams = node.getBean(InvalidationStreams.class);
			node.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			// warm up the server's pools
			List<SseTestClient> warm = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				warm.add(SseTestClient.openWithoutReading(port, "/statesync/events?topics=settings"));
			}
			await().until(() -> streams.openStreams() == 50);
			for (SseTestClient client : warm) {
				client.close();
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> streams.openStreams() == 0);
			long before = usedHeapAfterGc();
			List<SseTestClient> clients = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				clients.add(SseTestClient.openWithoutReading(port, "/statesync/events?topics=settings"));
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> streams.openStreams() == count);
			long after = usedHeapAfterGc();
			System.out.printf(
					"MEASURE heap: %d idle streams (server and client sockets in one JVM): %d KiB -> %d KiB, "
							+ "%.1f KiB per stream; threads: %d%n",
					count, before / 1024, after / 1024, (after - before) / 1024.0 / count, Thread.activeCount());
			if (Boolean.getBoolean("statesync.measure.histogram")) {
				Process jcmd = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()),
						"GC.class_histogram")
					.redirectErrorStream(true)
					.start();
				try (BufferedReader out = new BufferedReader(
						new InputStreamReader(jcmd.getInputStream(), StandardCharsets.UTF_8))) {
					out.lines().limit(30).forEach((line) -> System.out.println("MEASURE histogram " + line));
				}
			}
			for (SseTestClient client : clients) {
				client.close();
			}
		}
	}

	@Test
	void latencyFromAWriteOnOneNodeToTheStreamOfAnother() throws Exception {
		int writes = Integer.getInteger("statesync.measure.writes", 200);
		RedisClient lettuce = RedisClient.create("redis://127.0.0.1:" + redis.server().port());
		try (ConfigurableApplicationContext writer = node(WebApplicationType.NONE);
				ConfigurableApplicationContext server = node(WebApplicationType.SERVLET);
				StatefulRedisPubSubConnection<String, String> pubsub = lettuce.connectPubSub();
				SseTestClient client = SseTestClient.open(port(server), "/statesync/events?topics=settings",
						Map.of())) {
			Map<String, Long> announced = new ConcurrentHashMap<>();
			pubsub.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					java.util.regex.Matcher revision = java.util.regex.Pattern.compile("\"revision\":\"(\\d+)\"")
						.matcher(message);
					if (revision.find()) {
						announced.put(revision.group(1), System.nanoTime());
					}
				}

			});
			pubsub.sync().subscribe(RedisTopicKeys.DEFAULT.channel("settings"));
			await().until(() -> client.comments().contains("statesync"));
			StatePublisher publisher = writer.getBean(StatePublisher.class);
			Map<String, Long> written = new ConcurrentHashMap<>();
			List<Long> toStream = new CopyOnWriteArrayList<>();
			List<Long> toPubSub = new CopyOnWriteArrayList<>();
			for (int i = 0; i < writes; i++) {
				long start = System.nanoTime();
				Revision revision = publisher.publish("settings", Map.of("theme", "t" + i));
				written.put(revision.toString(), start);
				String expected = "\"" + revision + "\"";
				await().atMost(Duration.ofSeconds(10))
					.until(() -> client.events().stream().anyMatch((event) -> event.data().contains(expected)));
				long arrived = client.events()
					.stream()
					.filter((event) -> event.data().contains(expected))
					.findFirst()
					.orElseThrow()
					.receivedNanos();
				toStream.add(arrived - start);
				Long raw = announced.get(revision.toString());
				if (raw != null) {
					toPubSub.add(raw - start);
				}
				Thread.sleep(10);
			}
			System.out.printf(
					"MEASURE latency over %d writes, publish() on node A to the event on node B's stream: %s; "
							+ "to the raw invalidation on a Redis subscriber: %s%n",
					writes, percentiles(toStream), percentiles(toPubSub));
		}
		finally {
			lettuce.shutdown();
		}
	}

	@Test
	void aStateSyncCoreClientStartsOnATopicWithoutSnapshotAndFollowsWrites() throws Exception {
		String script = System.getProperty("statesync.node.script");
		if (script == null || !Files.exists(Path.of(script))) {
			System.out.println("MEASURE node: skipped, no -Dstatesync.node.script");
			return;
		}
		try (ConfigurableApplicationContext writer = node(WebApplicationType.NONE);
				ConfigurableApplicationContext server = node(WebApplicationType.SERVLET)) {
			Process node = new ProcessBuilder("node", script, "http://127.0.0.1:" + port(server), "settings")
				.redirectErrorStream(true)
				.start();
			List<String> lines = Collections.synchronizedList(new ArrayList<>());
			Thread reader = new Thread(() -> {
				try (BufferedReader out = new BufferedReader(
						new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = out.readLine()) != null) {
						lines.add(line);
					}
				}
				catch (Exception ex) {
					// ended
				}
			});
			reader.start();
			try {
				await().atMost(Duration.ofSeconds(20))
					.until(() -> lines.stream().anyMatch((l) -> l.startsWith("started")));
				Revision last = null;
				for (int i = 0; i < 10; i++) {
					last = writer.getBean(StatePublisher.class).publish("settings", Map.of("theme", "node-" + i));
				}
				String expected = "applied " + last + " ";
				await().atMost(Duration.ofSeconds(20))
					.until(() -> lines.stream().anyMatch((l) -> l.startsWith(expected)));
				assertThat(lines).noneMatch((l) -> l.startsWith("error"));
			}
			finally {
				node.destroy();
				System.out.println("MEASURE node output: " + lines);
			}
		}
	}

	private ConfigurableApplicationContext node(WebApplicationType type, String... properties) {
		return new SpringApplicationBuilder(StateSyncRestIntegrationTests.OwnerApplication.class).web(type)
			.properties("server.port=0", "spring.data.redis.port=" + redis.server().port(),
					"statesync.rest.enabled=true", "statesync.rest.topics=settings")
			.properties(properties)
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 4; i++) {
			System.gc();
			Thread.sleep(200);
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	private static String percentiles(List<Long> nanos) {
		if (nanos.isEmpty()) {
			return "none";
		}
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		return String.format("p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)", at(sorted, 0.50),
				at(sorted, 0.95), at(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6, sorted.size());
	}

	private static double at(List<Long> sorted, double quantile) {
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1)) / 1e6;
	}

}
