package io.github.statesync.boot.autoconfigure;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.statesync.boot.autoconfigure.rest.StateSyncRestAutoConfiguration;
import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.core.archive.FileSnapshotArchive;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.jackson.JacksonSyncCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sources that once handed out a revision they should not have: a REST owner that
 * answered the highest revision there is, a last-known-good file planted with one.
 * Neither may freeze a node once the real source answers.
 */
class StateSyncHostileSourceTests {

	private static final String HIGHEST = "18446744073709551615";

	private static final Duration BOUND = Duration.ofSeconds(15);

	@TempDir
	Path directory;

	private volatile String answer = "{\"revision\":\"" + HIGHEST + "\",\"data\":{\"price\":666}}";

	private HttpServer owner;

	private ApplicationContextRunner runner;

	@BeforeEach
	void startOwner() throws IOException {
		this.owner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.owner.createContext("/", this::answer);
		this.owner.start();
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateSyncAutoConfiguration.class,
					StateSyncRestAutoConfiguration.class))
			.withPropertyValues("statesync.transport=LOCAL",
					"statesync.topics.pricing.url=http://127.0.0.1:" + this.owner.getAddress().getPort(),
					"statesync.topics.pricing.required=true", "statesync.topics.pricing.poll-interval=100ms",
					"statesync.startup-timeout=10s");
	}

	@AfterEach
	void stopOwner() {
		this.owner.stop(0);
	}

	@Test
	void aReaderOfAnOwnerThatOnceAnsweredTheHighestRevisionFollowsItOnceItIsHealthyAgain() {
		this.runner.run((context) -> {
			SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
			SyncHandle<JsonNode> handle = registry.handle("pricing");
			assertThat(handle.localRevision()).isEqualTo(Revision.parse(HIGHEST));
			this.answer = "{\"revision\":\"10\",\"data\":{\"price\":10}}";
			await().atMost(BOUND).untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(Revision.of(10)));
			assertThat(registry.value("pricing").get()).hasToString("{\"price\":10}");
			TopicStatistics.Topic statistics = context.getBean(TopicStatistics.class).topic("pricing");
			assertThat(statistics.errors(SyncPhase.REGRESSION)).isOne();
			assertThat(statistics.lastError().message()).contains("holds revision 10, older than revision " + HIGHEST);
		});
	}

	@Test
	void aPlantedLastKnownGoodFileNeverOutranksTheSource() throws Exception {
		this.answer = "{\"revision\":\"10\",\"data\":{\"price\":10}}";
		try (FileSnapshotArchive<JsonNode> archive = new FileSnapshotArchive<>(this.directory, new JacksonSyncCodec(),
				JsonNode.class)) {
			archive
				.save("pricing",
						new SnapshotEnvelope<>(Revision.parse("18446744073709551614"),
								JsonMapper.builder().build().readTree("{\"price\":666}")))
				.get();
		}
		// the owner is down while the node starts: it runs on the file
		this.owner.stop(0);
		this.runner
			.withPropertyValues("statesync.last-known-good-directory=" + this.directory,
					"statesync.topics.pricing.last-known-good=true")
			.run((context) -> {
				SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
				SyncHandle<JsonNode> handle = registry.handle("pricing");
				assertThat(registry.value("pricing").get()).hasToString("{\"price\":666}");
				// the owner is back on the same port
				this.owner = HttpServer.create(new InetSocketAddress("127.0.0.1", port(context)), 0);
				this.owner.createContext("/", this::answer);
				this.owner.start();
				await().atMost(BOUND)
					.untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(Revision.of(10)));
				assertThat(registry.value("pricing").get()).hasToString("{\"price\":10}");
			});
	}

	private static int port(org.springframework.context.ApplicationContext context) {
		String url = context.getEnvironment().getProperty("statesync.topics.pricing.url");
		return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
	}

	private void answer(HttpExchange exchange) throws IOException {
		byte[] body = this.answer.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
