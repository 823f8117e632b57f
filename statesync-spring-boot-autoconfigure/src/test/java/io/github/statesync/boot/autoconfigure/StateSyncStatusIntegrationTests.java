package io.github.statesync.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.statesync.boot.StateSyncStatusChangedEvent;
import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.actuate.StateSyncEndpoint;
import io.github.statesync.boot.actuate.StateSyncEndpoint.TopicDescriptor;
import io.github.statesync.boot.actuate.StateSyncHealthIndicator;
import io.github.statesync.boot.autoconfigure.endpoint.StateSyncEndpointAutoConfiguration;
import io.github.statesync.boot.autoconfigure.health.StateSyncHealthContributorAutoConfiguration;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.core.engine.SyncStatus;
import io.github.statesync.core.engine.TopicStatus;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.test.redis.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Topic status through Spring, on a real Redis that the tests stop and restart: in
 * {@link SyncedValue}, the {@code statesync} endpoint and health, and
 * {@link StateSyncStatusChangedEvent}s.
 */
class StateSyncStatusIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	Path directory;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class,
				StateSyncRedisAutoConfiguration.class, DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				ValidationAutoConfiguration.class, StateSyncEndpointAutoConfiguration.class,
				StateSyncHealthContributorAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class, StatusEventsConfiguration.class)
		.withPropertyValues("management.endpoints.web.exposure.include=statesync", "spring.data.redis.timeout=500ms",
				"statesync.startup-timeout=5s");

	private ApplicationContextRunner node() {
		return this.runner.withPropertyValues("spring.data.redis.port=" + redis.server().port());
	}

	@Test
	void outageLongerThanStaleAfterShowsStaleAndRecoveryShowsCurrent() {
		node()
			.withPropertyValues("statesync.topics.settings.stale-after=2s",
					"statesync.topics.settings.retry.max-attempts=2")
			.run((context) -> {
				SyncedValue<?> settings = settings(context);
				Revision published = context.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
				SyncStatus current = await(settings.whenStatus(TopicStatus.CURRENT));
				assertThat(settings.whenApplied(published)).isCompletedWithValue(published);
				TopicDescriptor described = context.getBean(StateSyncEndpoint.class).topic("settings");
				assertThat(described.status()).isEqualTo(TopicStatus.CURRENT);
				assertThat(described.statusSince()).isEqualTo(current.since());
				assertThat(described.statusCause()).isNull();
				assertThat(topicHealth(context)).containsEntry("status", "UP").containsEntry("syncStatus", "CURRENT");

				redis.server().stop();
				long stoppedAt = System.nanoTime();
				context.getBean(SyncedTopicRegistry.class).handle("settings").refresh();
				SyncStatus stale = await(settings.whenStatus(TopicStatus.STALE));
				long staleAt = System.nanoTime();
				assertThat(stale.cause()).contains("source has not been reached");
				described = context.getBean(StateSyncEndpoint.class).topic("settings");
				assertThat(described.status()).isEqualTo(TopicStatus.STALE);
				assertThat(described.statusCause()).isEqualTo(stale.cause());
				Health health = context.getBean(StateSyncHealthIndicator.class).health(true);
				assertThat(health.getDetails()).containsEntry("stale", 1).containsEntry("onArchive", 0);
				// not required: it serves what it holds, and says why it may be behind
				assertThat(topicHealth(context)).containsEntry("status", Status.UNKNOWN.getCode())
					.containsEntry("syncStatus", "STALE")
					.containsEntry("reason", stale.cause());

				redis.server().restart();
				long restartedAt = System.nanoTime();
				await(settings.whenStatus(TopicStatus.CURRENT));
				System.out.printf(
						"STATUS outage: STALE %d ms after Redis stopped (stale-after 2 s), CURRENT %d ms "
								+ "after it restarted%n",
						Duration.ofNanos(staleAt - stoppedAt).toMillis(),
						Duration.ofNanos(System.nanoTime() - restartedAt).toMillis());
				assertStatusEvents(context, TopicStatus.INITIALIZING, TopicStatus.CURRENT, TopicStatus.STALE,
						TopicStatus.CURRENT);
			});
	}

	@Test
	void requiredTopicThatTurnsStaleTakesHealthDown() {
		node().run((writer) -> writer.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark")));
		node()
			.withPropertyValues("statesync.topics.settings.stale-after=1s",
					"statesync.topics.settings.retry.max-attempts=1", "statesync.topics.settings.required=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SyncedValue<?> settings = settings(context);
				assertThat(settings.status().status()).isEqualTo(TopicStatus.CURRENT);
				redis.server().pause();
				try {
					context.getBean(SyncedTopicRegistry.class).handle("settings").refresh();
					await(settings.whenStatus(TopicStatus.STALE));
					assertThat(topicHealth(context)).containsEntry("status", Status.DOWN.getCode())
						.containsEntry("syncStatus", "STALE");
					assertThat(context.getBean(StateSyncHealthIndicator.class).health(true).getStatus())
						.isEqualTo(Status.DOWN);
				}
				finally {
					redis.server().resume();
				}
				Revision next = context.getBean(StatePublisher.class).publish("settings", Map.of("theme", "light"));
				await(settings.whenApplied(next));
				assertThat(settings.status().status()).isEqualTo(TopicStatus.CURRENT);
				// health also waits for the subscription the pause cut to be back
				Awaitility.await()
					.atMost(Duration.ofSeconds(15))
					.untilAsserted(
							() -> assertThat(context.getBean(StateSyncHealthIndicator.class).health(true).getStatus())
								.isEqualTo(Status.UP));
			});
	}

	@Test
	void nodeStartedOnItsArchiveWithRedisDownShowsOnArchiveUntilRedisAnswers() {
		ApplicationContextRunner node = node().withPropertyValues("statesync.topics.settings.last-known-good=true",
				"statesync.last-known-good-directory=" + this.directory,
				"statesync.topics.settings.retry.max-attempts=2");
		node.run((first) -> first.getBean(StatePublisher.class).publish("settings", Map.of("theme", "before")));
		redis.server().stop();
		node.withPropertyValues("statesync.topics.settings.required=true").run((restarted) -> {
			assertThat(restarted).hasNotFailed();
			SyncedValue<?> settings = settings(restarted);
			assertThat(settings.status().status()).isEqualTo(TopicStatus.ON_ARCHIVE);
			assertThat(settings.status().cause()).contains("archived snapshot");
			TopicDescriptor described = restarted.getBean(StateSyncEndpoint.class).topic("settings");
			assertThat(described.status()).isEqualTo(TopicStatus.ON_ARCHIVE);
			assertThat(described.statusCause()).contains("archived snapshot");
			Health health = restarted.getBean(StateSyncHealthIndicator.class).health(true);
			assertThat(health.getDetails()).containsEntry("onArchive", 1).containsEntry("stale", 0);
			assertThat(topicHealth(restarted)).containsEntry("status", "UP").containsEntry("syncStatus", "ON_ARCHIVE");

			redis.server().restart();
			Revision[] after = new Revision[1];
			// a writer of its own, without an archive (a directory serves one process)
			this.runner.withPropertyValues("spring.data.redis.port=" + redis.server().port())
				.run((writer) -> after[0] = writer.getBean(StatePublisher.class)
					.publish("settings", Map.of("theme", "after")));
			long restartedAt = System.nanoTime();
			assertThat(await(settings.whenApplied(after[0]))).isEqualTo(after[0]);
			System.out.printf("STATUS archive: ON_ARCHIVE to CURRENT %d ms after the write once Redis was back%n",
					Duration.ofNanos(System.nanoTime() - restartedAt).toMillis());
			await(settings.whenStatus(TopicStatus.CURRENT));
			assertThat(restarted.getBean(StateSyncEndpoint.class).topic("settings").status())
				.isEqualTo(TopicStatus.CURRENT);
			assertStatusEvents(restarted, TopicStatus.INITIALIZING, TopicStatus.ON_ARCHIVE, TopicStatus.CURRENT);
		});
	}

	@Test
	void waitsFailWhenTheApplicationStops() {
		SyncedValue<?>[] kept = new SyncedValue<?>[1];
		List<CompletableFuture<?>> waits = new CopyOnWriteArrayList<>();
		node().run((context) -> {
			kept[0] = settings(context);
			waits.add(kept[0].whenApplied(Revision.of(Long.MAX_VALUE)));
			waits.add(kept[0].whenStatus(TopicStatus.STALE));
		});
		assertThat(kept[0].status().status()).isEqualTo(TopicStatus.STOPPED);
		assertThat(waits).allSatisfy((wait) -> assertThat(wait).failsWithin(WAIT));
	}

	private static SyncedValue<?> settings(AssertableApplicationContext context) {
		return context.getBean(SyncedTopicRegistry.class).value("settings");
	}

	private static <T> T await(CompletableFuture<T> future) throws Exception {
		return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> topicHealth(AssertableApplicationContext context) {
		Health health = context.getBean(StateSyncHealthIndicator.class).health(true);
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("topics")).get("settings");
	}

	/**
	 * Assert the status events heard contain the statuses in order, waiting for the last
	 * ones: a status wait completes when the status changes, and the event reaches its
	 * listeners a moment later.
	 */
	private static void assertStatusEvents(AssertableApplicationContext context, TopicStatus... expected)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			List<TopicStatus> statuses = statuses(context);
			if (statuses.size() >= expected.length && containsSubsequence(statuses, expected)) {
				return;
			}
			Thread.sleep(10);
		}
		assertThat(statuses(context)).containsSubsequence(expected);
	}

	private static boolean containsSubsequence(List<TopicStatus> statuses, TopicStatus[] expected) {
		int next = 0;
		for (TopicStatus status : statuses) {
			if (next < expected.length && status == expected[next]) {
				next++;
			}
		}
		return next == expected.length;
	}

	private static List<TopicStatus> statuses(AssertableApplicationContext context) {
		StatusEvents events = context.getBean(StatusEvents.class);
		List<TopicStatus> statuses = new ArrayList<>();
		if (!events.received.isEmpty()) {
			statuses.add(events.received.get(0).getPrevious().status());
		}
		events.received.forEach((event) -> statuses.add(event.getStatus().status()));
		return statuses;
	}

	static final class StatusEvents implements ApplicationListener<StateSyncStatusChangedEvent> {

		final List<StateSyncStatusChangedEvent> received = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(StateSyncStatusChangedEvent event) {
			this.received.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StatusEventsConfiguration {

		@Bean
		StatusEvents statusEvents() {
			return new StatusEvents();
		}

	}

}
