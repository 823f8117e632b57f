package io.github.statesync.boot.autoconfigure;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.test.redis.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
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

	static final StallingOwner owner = StallingOwner.start();

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", () -> redis.server().port());
		registry.add("statesync.topics.remote.url", () -> "http://127.0.0.1:" + owner.server.getAddress().getPort());
		registry.add("statesync.topics.remote.fetch-timeout", () -> "60s");
	}

	@AfterAll
	static void stopOwner() {
		owner.server.stop(0);
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
		ResponseEntity<Map> accepted = http().post().uri("/statesync/settings").retrieve().toEntity(Map.class);
		assertThat(accepted.getStatusCode().value()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.settings.getTheme()).isEqualTo("hidden"));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(refreshOf("settings").get("outcome")).isEqualTo("SUCCEEDED"));
		Map<?, ?> refreshed = http().get().uri("/statesync/settings").retrieve().body(Map.class);
		assertThat(refreshed.get("revision")).isEqualTo(hidden.toString());

		Map<?, ?> meter = http().get().uri("/metrics/statesync.refresh?tag=topic:settings").retrieve().body(Map.class);
		assertThat(meter.get("name")).isEqualTo("statesync.refresh");
	}

	@Test
	void refreshAnswersAcceptedAtOnceWhileTheSourceStallsCoalescesAndShowsItsOutcomeLater() throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> owner.requests.get() > 0);
		CountDownLatch stall = new CountDownLatch(1);
		owner.stall = stall;
		try {
			int before = owner.requests.get();
			for (int i = 0; i < 5; i++) {
				// answered while the owner still holds the first fetch: nobody waits
				HttpStatusCode status = http().post()
					.uri("/statesync/remote")
					.exchange((request, response) -> response.getStatusCode());
				assertThat(status.value()).isEqualTo(202);
			}
			assertThat(stall.getCount()).as("the owner is still stalled").isEqualTo(1);
			Map<String, Object> pending = refreshOf("remote");
			assertThat(pending.get("outcome")).isEqualTo("PENDING");
			assertThat(pending.get("requested")).isNotNull();
			assertThat(pending.get("ended")).isNull();
			stall.countDown();
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(refreshOf("remote").get("outcome")).isEqualTo("SUCCEEDED"));
			assertThat(refreshOf("remote").get("ended")).isNotNull();
			// one fetch in flight and one queued, whatever the number of requests
			assertThat(owner.requests.get() - before).isBetween(1, 2);
		}
		finally {
			owner.stall = null;
			stall.countDown();
		}
	}

	@Test
	void refreshOfAnUnknownTopicAnswersNotFound() {
		HttpStatusCode status = http().post()
			.uri("/statesync/nope")
			.exchange((request, response) -> response.getStatusCode());
		assertThat(status.value()).isEqualTo(404);
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

	private Map<String, Object> refreshOf(String topic) {
		Map<?, ?> described = http().get().uri("/statesync/{topic}", topic).retrieve().body(Map.class);
		assertThat(described.get("refresh")).as("refresh status of %s", topic).isNotNull();
		return map(described.get("refresh"));
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

	/**
	 * The owning service of topic {@code remote}: answers a new revision at every fetch,
	 * and holds every request while a stall latch is set.
	 */
	static final class StallingOwner {

		final AtomicInteger requests = new AtomicInteger();

		final HttpServer server;

		volatile @Nullable CountDownLatch stall;

		private StallingOwner(HttpServer server) {
			this.server = server;
		}

		static StallingOwner start() {
			try {
				HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
				StallingOwner owner = new StallingOwner(server);
				server.setExecutor(Executors.newCachedThreadPool());
				server.createContext("/", owner::answer);
				server.start();
				return owner;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private void answer(HttpExchange exchange) throws IOException {
			int revision = this.requests.incrementAndGet();
			CountDownLatch latch = this.stall;
			if (latch != null) {
				try {
					latch.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			byte[] body = ("{\"revision\":\"" + revision + "\",\"data\":{\"n\":" + revision + "}}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TestTopics.SettingsConfiguration.class)
	static class App {

	}

}
