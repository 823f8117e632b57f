package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.statesync.boot.actuate.StateSyncHealthIndicator;
import io.github.statesync.boot.autoconfigure.health.StateSyncHealthContributorAutoConfiguration;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.test.redis.RedisServer;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the application says when Redis refuses it: the failure analysis of a required
 * topic names Redis's answer and the property to fix, and health shows a topic whose
 * subscription Redis refuses.
 */
class StateSyncRedisServerErrorsIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				StateSyncAutoConfiguration.class, StateSyncRedisAutoConfiguration.class,
				StateSyncHealthContributorAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class)
		.withPropertyValues("spring.data.redis.port=" + redis.server().port());

	@AfterEach
	void deleteUsers() {
		server().command("ACL", "DELUSER", "reader");
	}

	private static RedisServer server() {
		return redis.server();
	}

	@Test
	void requiredTopicThatCannotLogInFailsStartNamingWrongpassAndTheCredentialProperties() {
		server().command("ACL", "SETUSER", "reader", "on", ">right", "~*", "&*", "+@all");
		this.runner
			.withPropertyValues("spring.data.redis.username=reader", "spring.data.redis.password=wrong",
					"statesync.topics.settings.required=true", "statesync.startup-timeout=10s",
					"statesync.topics.settings.retry.max-attempts=2")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'settings'").contains("WRONGPASS");
				assertThat(analysis.getAction()).contains("spring.data.redis.username")
					.contains("spring.data.redis.password");
			});
	}

	@Test
	void requiredTopicWhoseSubscriptionRedisRefusesIsDownInHealthUntilTheChannelIsGranted() {
		server().command("SET", "statesync:{settings}:snapshot",
				"{\"revision\":\"5\",\"data\":{\"theme\":\"stored\"}}");
		// a new ACL user has no channel rights (acl-pubsub-default resetchannels)
		server().command("ACL", "SETUSER", "reader", "on", ">secret", "~*", "+@all", "resetchannels");
		this.runner
			.withPropertyValues("spring.data.redis.username=reader", "spring.data.redis.password=secret",
					"statesync.topics.settings.required=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				StateSyncHealthIndicator indicator = context.getBean(StateSyncHealthIndicator.class);
				await("health shows the refusal").atMost(Duration.ofSeconds(20))
					.until(() -> topic(indicator.health(true), "settings").containsKey("subscribed"));
				Health health = indicator.health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("connected", false);
				Map<String, Object> settings = topic(health, "settings");
				assertThat(settings).containsEntry("status", "DOWN").containsEntry("subscribed", false);
				assertThat(settings.get("reason").toString()).contains("NOPERM")
					.contains("ACL SETUSER reader &statesync:*");

				server().command("ACL", "SETUSER", "reader", "&statesync:*");
				await("health recovers").atMost(Duration.ofSeconds(20))
					.until(() -> indicator.health(true).getStatus().equals(Status.UP));
				assertThat(indicator.health(true).getDetails()).containsEntry("connected", true);
				assertThat(topic(indicator.health(true), "settings")).containsEntry("status", "UP")
					.doesNotContainKey("subscribed");
			});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> topic(Health health, String topic) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("topics")).get(topic);
	}

}
