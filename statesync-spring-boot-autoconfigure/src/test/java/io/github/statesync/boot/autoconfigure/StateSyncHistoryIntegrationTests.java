package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.StateHistory;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * History, rollback and the Actuator's history operations over HTTP, on the Redis
 * transport.
 */
@SpringBootTest(classes = StateSyncHistoryIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=statesync", "statesync.node-id=node-r",
				"statesync.defaults.history=500", "statesync.history-endpoint.show-data=always",
				"statesync.history-endpoint.rollback-enabled=true" })
class StateSyncHistoryIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@LocalServerPort
	int port;

	@Autowired
	StatePublisher publisher;

	@Autowired
	StateHistory history;

	@Autowired
	Settings settings;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", () -> redis.server().port());
	}

	@Test
	void endpointListsTheHistoryDiffsTwoRevisionsAndRollsBackOverHttp() {
		Revision one = this.publisher.publish("settings", Map.of("theme", "one", "maxUploadMb", 1));
		Revision two = this.publisher.publish("settings", Map.of("theme", "two", "maxUploadMb", 2));
		JsonNode listed = get("/statesync/settings/history?limit=2");
		assertThat(listed.get("topic").asString()).isEqualTo("settings");
		assertThat(listed.get("keeps").asInt()).isEqualTo(500);
		assertThat(listed.get("dataShown").asBoolean()).isTrue();
		assertThat(listed.get("entries")).hasSize(2);
		JsonNode newest = listed.get("entries").get(0);
		assertThat(newest.get("revision").asString()).isEqualTo(two.toString());
		assertThat(newest.get("previousRevision").asString()).isEqualTo(one.toString());
		assertThat(newest.get("operation").asString()).isEqualTo("PUBLISH");
		assertThat(newest.get("nodeId").asString()).isEqualTo("node-r");
		assertThat(newest.get("digest").asString()).startsWith("sha256:");
		assertThat(newest.get("size").asLong()).isPositive();
		assertThat(newest.get("time").asString()).endsWith("Z");
		assertThat(newest.get("data").get("theme").asString()).isEqualTo("two");

		JsonNode diff = get("/statesync/settings/history?from=" + one + "&to=" + two);
		assertThat(diff.get("from").asString()).isEqualTo(one.toString());
		assertThat(diff.get("patch").toString()).contains("{\"op\":\"replace\",\"path\":\"/theme\",\"value\":\"two\"}")
			.contains("{\"op\":\"replace\",\"path\":\"/maxUploadMb\",\"value\":2}");

		Result rolledBack = post("/statesync/settings/rollback", one.toString());
		assertThat(rolledBack.status()).isEqualTo(200);
		assertThat(rolledBack.body().get("rollbackOf").asString()).isEqualTo(one.toString());
		Revision restored = Revision.parse(rolledBack.body().get("revision").asString());
		assertThat(restored.isNewerThan(two)).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> "one".equals(this.settings.getTheme()));
		JsonNode entry = get("/statesync/settings/history?limit=1").get("entries").get(0);
		assertThat(entry.get("operation").asString()).isEqualTo("ROLLBACK");
		assertThat(entry.get("rollbackOf").asString()).isEqualTo(one.toString());
		// history and snapshot written by one script: they agree
		assertThat(this.history.history("settings", 1).get(0).envelope())
			.isEqualTo(redis.server().command("GET", RedisTopicKeys.DEFAULT.snapshotKey("settings")));

		Result unknown = post("/statesync/settings/rollback", "5");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.body().get("error").asString()).contains("no revision 5").contains("nothing was written");
	}

	@Test
	void rollbackUnderConcurrentWritersIsOneRevisionAmongTheOthersNeverLostNorReordered() throws Exception {
		Revision base = this.publisher.publish("race", Map.of("writer", "base", "sequence", -1));
		int writers = 4;
		int writes = 50;
		AtomicInteger written = new AtomicInteger();
		CountDownLatch underway = new CountDownLatch(writers * 5);
		List<CompletableFuture<Void>> running = new ArrayList<>();
		for (int w = 0; w < writers; w++) {
			String writer = "w" + w;
			running.add(CompletableFuture.runAsync(() -> {
				for (int i = 0; i < writes; i++) {
					this.publisher.publish("race", Map.of("writer", writer, "sequence", i));
					written.incrementAndGet();
					underway.countDown();
				}
			}));
		}
		assertThat(underway.await(30, TimeUnit.SECONDS)).isTrue();
		Revision rollback = this.history.rollback("race", base);
		CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		assertThat(written.get()).as("the rollback raced the writers").isEqualTo(writers * writes);

		List<HistoryEntry> entries = this.history.history("race", 1000);
		assertThat(entries).hasSize(writers * writes + 2);
		assertThat(entries.get(entries.size() - 1).revision()).isEqualTo(base);
		for (int i = 0; i < entries.size() - 1; i++) {
			assertThat(entries.get(i).previousRevision()).isEqualTo(entries.get(i + 1).revision());
			assertThat(entries.get(i).revision().isNewerThan(entries.get(i + 1).revision())).isTrue();
		}
		List<HistoryEntry> rollbacks = entries.stream()
			.filter((entry) -> entry.operation() == HistoryEntry.Operation.ROLLBACK)
			.toList();
		assertThat(rollbacks).singleElement().satisfies((entry) -> {
			assertThat(entry.revision()).isEqualTo(rollback);
			assertThat(entry.rollbackOf()).isEqualTo(base);
			assertThat(data(entry).get("writer").asString()).isEqualTo("base");
		});
		// every writer's writes keep their order
		Map<String, Integer> last = new HashMap<>();
		for (int i = entries.size() - 2; i >= 0; i--) {
			JsonNode data = data(entries.get(i));
			String writer = data.get("writer").asString();
			int sequence = data.get("sequence").asInt();
			if (!"base".equals(writer)) {
				assertThat(sequence).isEqualTo(last.getOrDefault(writer, -1) + 1);
				last.put(writer, sequence);
			}
		}
		assertThat(last).hasSize(writers).allSatisfy((writer, sequence) -> assertThat(sequence).isEqualTo(writes - 1));
	}

	private static JsonNode data(HistoryEntry entry) {
		return JsonMapper.shared().readTree(entry.envelope()).get("data");
	}

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.port + "/actuator");
	}

	private JsonNode get(String uri) {
		return JsonMapper.shared().readTree(http().get().uri(uri).retrieve().body(String.class));
	}

	private Result post(String uri, String revision) {
		return http().post()
			.uri(uri)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("revision", revision))
			.exchange((request, response) -> new Result(response.getStatusCode().value(),
					JsonMapper.shared().readTree(response.getBody().readAllBytes())));
	}

	private record Result(int status, JsonNode body) {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TestTopics.SettingsConfiguration.class)
	static class App {

	}

}
