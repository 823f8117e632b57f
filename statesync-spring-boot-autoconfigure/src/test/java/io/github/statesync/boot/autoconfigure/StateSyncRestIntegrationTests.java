package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.autoconfigure.metrics.StateSyncMetricsAutoConfiguration;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.autoconfigure.rest.StateSyncRestAutoConfiguration;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.test.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class StateSyncRestIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void oneApplicationServesATopicOverHttpAndAnotherFetchesIt() {
		try (ConfigurableApplicationContext owner = new SpringApplicationBuilder(OwnerApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.data.redis.port=" + redis.server().port(),
					"statesync.rest.enabled=true", "statesync.rest.topics=settings")
			.run()) {
			int port = ((WebServerApplicationContext) owner).getWebServer().getPort();
			Revision revision = owner.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			RestClient http = RestClient.create("http://localhost:" + port);
			ResponseEntity<String> served = http.get()
				.uri("/statesync/topics/settings")
				.retrieve()
				.toEntity(String.class);
			assertThat(served.getHeaders().getETag()).isEqualTo("\"" + revision + "\"");
			assertThat(served.getBody()).startsWith("{\"revision\":\"" + revision + "\",\"data\":{")
				.contains("\"theme\":\"dark\"");
			ResponseEntity<String> unchanged = http.get()
				.uri("/statesync/topics/settings")
				.header(HttpHeaders.IF_NONE_MATCH, "\"" + revision + "\"")
				.retrieve()
				.toEntity(String.class);
			assertThat(unchanged.getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
			HttpStatusCode unknown = http.get()
				.uri("/statesync/topics/unknown")
				.exchange((request, response) -> response.getStatusCode());
			assertThat(unknown).isEqualTo(HttpStatus.NOT_FOUND);

			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
						JacksonAutoConfiguration.class, MetricsAutoConfiguration.class,
						StateSyncAutoConfiguration.class, StateSyncRedisAutoConfiguration.class,
						StateSyncRestAutoConfiguration.class, StateSyncMetricsAutoConfiguration.class))
				.withUserConfiguration(TestTopics.SettingsConfiguration.class)
				.withBean(SimpleMeterRegistry.class)
				.withPropertyValues("spring.data.redis.port=" + redis.server().port(),
						"statesync.topics.settings.url=http://localhost:" + port,
						"statesync.topics.settings.required=true")
				.run((fetcher) -> {
					Settings settings = fetcher.getBean(Settings.class);
					assertThat(settings.getTheme()).as("first snapshot over HTTP").isEqualTo("dark");
					// snapshots read over HTTP are measured like those read from the
					// store
					assertThat(fetcher.getBean(MeterRegistry.class)
						.get("statesync.snapshot.size")
						.tags("topic", "settings")
						.summary()
						.max()).isGreaterThan(20);
					Revision next = owner.getBean(StatePublisher.class).publish("settings", Map.of("theme", "blue"));
					await().atMost(Duration.ofSeconds(10))
						.untilAsserted(() -> assertThat(settings.getTheme()).isEqualTo("blue"));
					SyncHandle<JsonNode> handle = fetcher.getBean(SyncedTopicRegistry.class).handle("settings");
					assertThat(handle.localRevision()).isEqualTo(next);
					// nothing changed: the owner answers 304, nothing is applied
					handle.refresh().join();
					assertThat(handle.localRevision()).isEqualTo(next);
				});
		}
	}

	@Test
	void servesNoTopicUntilTopicsAreListedAndWarnsAtStartUp(CapturedOutput output) {
		try (ConfigurableApplicationContext owner = runOwner("statesync.rest.enabled=true")) {
			owner.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			assertThat(get(owner, "settings")).isEqualTo(HttpStatus.NOT_FOUND);
			assertThat(output).containsPattern("WARN .*statesync.rest.enabled=true but no topic is served")
				.contains("statesync.rest.topics");
		}
	}

	@Test
	void servesEveryTopicWhenTopicsIsTheWildcardAndSaysSoAtStartUp(CapturedOutput output) {
		try (ConfigurableApplicationContext owner = runOwner("statesync.rest.enabled=true",
				"statesync.rest.topics=*")) {
			owner.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			assertThat(get(owner, "settings")).isEqualTo(HttpStatus.OK);
			assertThat(get(owner, "unknown")).isEqualTo(HttpStatus.NOT_FOUND);
			assertThat(output)
				.containsPattern("INFO .*Serving every topic this node follows over HTTP.*\\[settings\\]");
		}
	}

	@Test
	void servesOnlyListedTopics(CapturedOutput output) {
		try (ConfigurableApplicationContext owner = runOwner("statesync.rest.enabled=true",
				"statesync.rest.topics=settings", "statesync.topics.flags.provider=store")) {
			owner.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			owner.getBean(StatePublisher.class).publish("flags", Map.of("beta", true));
			assertThat(get(owner, "settings")).isEqualTo(HttpStatus.OK);
			assertThat(get(owner, "flags")).isEqualTo(HttpStatus.NOT_FOUND);
			assertThat(output).containsPattern("INFO .*Serving topics \\[settings\\] over HTTP");
		}
	}

	private static ConfigurableApplicationContext runOwner(String... properties) {
		return new SpringApplicationBuilder(OwnerApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.data.redis.port=" + redis.server().port())
			.properties(properties)
			.run();
	}

	private static HttpStatusCode get(ConfigurableApplicationContext owner, String topic) {
		int port = ((WebServerApplicationContext) owner).getWebServer().getPort();
		return RestClient.create("http://localhost:" + port)
			.get()
			.uri("/statesync/topics/{topic}", topic)
			.exchange((request, response) -> response.getStatusCode());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TestTopics.SettingsConfiguration.class)
	static class OwnerApplication {

	}

}
