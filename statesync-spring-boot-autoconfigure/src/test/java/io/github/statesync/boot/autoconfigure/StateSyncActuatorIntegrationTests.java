package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatusCode;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = StateSyncActuatorIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,statesync,metrics",
				"management.endpoint.health.show-details=always", "spring.data.redis.timeout=500ms" })
class StateSyncActuatorIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@LocalServerPort
	int port;

	@Autowired
	StatePublisher publisher;

	@Autowired
	Settings settings;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", () -> redis.server().port());
	}

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.port + "/actuator");
	}

	@Test
	void endpointDescribesTopicsAndForcesARefresh() {
		Revision revision = this.publisher.publish("settings", Map.of("theme", "dark"));
		Map<?, ?> all = http().get().uri("/statesync").retrieve().body(Map.class);
		assertThat(all.get("transport")).isEqualTo("redis");
		assertThat(all.get("connected")).isEqualTo(true);
		Map<?, ?> topic = (Map<?, ?>) ((Map<?, ?>) all.get("topics")).get("settings");
		assertThat(topic.get("revision")).isEqualTo(revision.toString());
		assertThat(topic.get("state")).isEqualTo("RUNNING");
		assertThat(topic.get("hasSnapshot")).isEqualTo(true);
		assertThat(topic.get("provider")).isEqualTo("store");
		assertThat(topic.get("lastApplied")).isNotNull();
		assertThat(map(topic)).containsKeys("announcedRevision", "transport", "lastError", "counts");
		assertThat(map(map(topic.get("counts")).get("refreshes"))).containsKeys("APPLIED", "SKIPPED", "FAILED");

		HttpStatusCode unknown = http().get()
			.uri("/statesync/nope")
			.exchange((request, response) -> response.getStatusCode());
		assertThat(unknown.value()).isEqualTo(404);

		// the store changes behind the node's back, without an invalidation: only a
		// refresh sees it
		Revision hidden = revision.next();
		redis.server()
			.command("SET", RedisTopicKeys.DEFAULT.snapshotKey("settings"),
					"{\"revision\":\"" + hidden + "\",\"data\":{\"theme\":\"hidden\"}}");
		assertThat(this.settings.getTheme()).isEqualTo("dark");
		Map<?, ?> refreshed = http().post().uri("/statesync/settings").retrieve().body(Map.class);
		assertThat(refreshed.get("revision")).isEqualTo(hidden.toString());
		assertThat(this.settings.getTheme()).isEqualTo("hidden");

		Map<?, ?> meter = http().get().uri("/metrics/statesync.refresh?tag=topic:settings").retrieve().body(Map.class);
		assertThat(meter.get("name")).isEqualTo("statesync.refresh");
	}

	@Test
	void healthGoesDownWithRedisAndBackUpAfterItReturns() {
		this.publisher.publish("settings", Map.of("theme", "dark"));
		assertThat(statesyncHealth().get("status")).isEqualTo("UP");
		Map<?, ?> details = (Map<?, ?>) statesyncHealth().get("details");
		assertThat(((Map<?, ?>) ((Map<?, ?>) details.get("topics")).get("settings")).get("status")).isEqualTo("UP");

		redis.server().stop();
		await().atMost(Duration.ofSeconds(15)).until(() -> "DOWN".equals(statesyncHealth().get("status")));
		assertThat(((Map<?, ?>) statesyncHealth().get("details")).get("connected")).isEqualTo(false);

		redis.server().restart();
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(statesyncHealth().get("status")));
		Revision after = this.publisher.publish("settings", Map.of("theme", "after-restart"));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.settings.getTheme().equals("after-restart"));
		assertThat(after).isNotNull();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	private Map<?, ?> statesyncHealth() {
		return http().get()
			.uri("/health/statesync")
			.exchange((request, response) -> new tools.jackson.databind.json.JsonMapper()
				.readValue(response.getBody().readAllBytes(), Map.class));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TestTopics.SettingsConfiguration.class)
	static class App {

	}

}
