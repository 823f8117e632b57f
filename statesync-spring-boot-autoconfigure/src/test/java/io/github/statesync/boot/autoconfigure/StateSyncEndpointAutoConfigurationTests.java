package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.statesync.boot.actuate.StateSyncEndpoint;
import io.github.statesync.boot.actuate.StateSyncEndpointWebExtension;
import io.github.statesync.boot.actuate.StateSyncHealthIndicator;
import io.github.statesync.boot.autoconfigure.endpoint.StateSyncEndpointAutoConfiguration;
import io.github.statesync.boot.autoconfigure.health.StateSyncHealthContributorAutoConfiguration;
import io.github.statesync.core.engine.SyncHandle;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StateSyncEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class,
				StateSyncEndpointAutoConfiguration.class, StateSyncHealthContributorAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class)
		.withPropertyValues("management.endpoints.web.exposure.include=statesync");

	@Test
	void registersEndpointAndHealthIndicatorNamedStatesync() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(StateSyncEndpoint.class);
			assertThat(context).hasSingleBean(StateSyncEndpointWebExtension.class);
			assertThat(context).hasBean("statesyncHealthIndicator");
		});
	}

	@Test
	void runWhenHealthDisabledShouldNotCreateIndicator() {
		this.runner.withPropertyValues("management.health.statesync.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StateSyncHealthIndicator.class));
	}

	@Test
	void runWhenEndpointNotExposedShouldNotCreateEndpoint() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health").run((context) -> {
			assertThat(context).doesNotHaveBean(StateSyncEndpoint.class);
			assertThat(context).doesNotHaveBean(StateSyncEndpointWebExtension.class);
		});
	}

	@Test
	void runWithoutActuatorCreatesNeither() {
		this.runner
			.withClassLoader(
					new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(StateSyncEndpoint.class);
				assertThat(context).doesNotHaveBean(StateSyncHealthIndicator.class);
				assertThat(context).hasNotFailed();
			});
	}

	@Test
	void notRequiredTopicWithoutSnapshotIsUnknownButHealthStaysUp() {
		this.runner.run((context) -> {
			Health health = context.getBean(StateSyncHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("transport", "local").containsEntry("connected", true);
			assertThat(health.getDetails().get("topics").toString()).contains("settings={status=UNKNOWN");
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void topicThatNeverAppliedSaysItRunsOnDefaultsWithItsLastError() {
		this.runner.run((context) -> {
			StateSyncHealthIndicator indicator = context.getBean(StateSyncHealthIndicator.class);
			Map<String, Object> settings = (Map<String, Object>) ((Map<String, Object>) indicator.health(true)
				.getDetails()
				.get("topics")).get("settings");
			assertThat(settings).containsEntry("snapshot", false);
			assertThat((String) settings.get("reason")).contains("defaults").contains("no snapshot");
			context.getBean(io.github.statesync.boot.topic.StateSyncTransport.class)
				.publisher()
				.publish("settings", Map.of("maxUploadMb", "lots"));
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				Map<String, Object> topic = (Map<String, Object>) ((Map<String, Object>) indicator.health(true)
					.getDetails()
					.get("topics")).get("settings");
				assertThat(topic).containsEntry("snapshot", false);
				assertThat(String.valueOf(topic.get("lastError"))).contains("does not bind");
			});
		});
	}

	@Test
	void requiredTopicThatStoppedTakesHealthDown() {
		this.runner.run((context) -> {
			context.getBean(io.github.statesync.core.publish.StatePublisher.class)
				.publish("settings", java.util.Map.of("theme", "dark"));
			StateSyncHealthIndicator indicator = context.getBean(StateSyncHealthIndicator.class);
			assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
			SyncHandle<?> handle = context.getBean(io.github.statesync.boot.sync.SyncedTopicRegistry.class)
				.handle("settings");
			handle.stop();
			// not required: a stopped topic shows, but does not take the application down
			assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
			assertThat(indicator.health(true).getDetails().get("topics").toString()).contains("status=UNKNOWN");
		});
	}

}
