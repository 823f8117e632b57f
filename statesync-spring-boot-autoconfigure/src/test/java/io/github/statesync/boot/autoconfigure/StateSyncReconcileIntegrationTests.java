package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.autoconfigure.metrics.StateSyncMetricsAutoConfiguration;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.autoconfigure.rest.StateSyncRestAutoConfiguration;
import io.github.statesync.boot.reconcile.TopicReconciler;
import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.engine.TopicStatus;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.core.spi.SnapshotMissingException;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.test.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reconciliation against a real Redis: a write stored without its invalidation reaches
 * every node within one reconcile interval, is counted and logged; a current topic is not
 * fetched; {@code 0} turns it off.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateSyncReconcileIntegrationTests {

	private static final String INTERVAL = "statesync.reconcile-interval=300ms";

	/** Generous: one interval is at most 450 ms, plus a grace of 150 ms and a fetch. */
	private static final Duration WITHIN_AN_INTERVAL = Duration.ofSeconds(5);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				MetricsAutoConfiguration.class, StateSyncAutoConfiguration.class, StateSyncRedisAutoConfiguration.class,
				StateSyncRestAutoConfiguration.class, StateSyncMetricsAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class, CountingReadsConfiguration.class)
		.withBean(SimpleMeterRegistry.class);

	@AfterEach
	void flush() {
		redis.server().command("FLUSHALL");
	}

	private ApplicationContextRunner node(String... properties) {
		return this.runner.withPropertyValues("spring.data.redis.port=" + redis.server().port())
			.withPropertyValues(properties);
	}

	/**
	 * What a writer that stores but never publishes does (or a publish whose message was
	 * lost): a newer revision and its snapshot, and no invalidation.
	 */
	private static Revision storeWithoutInvalidation(Revision after, String theme) {
		Revision revision = Revision.of(after.longValue() + 1000);
		redis.server().command("SET", RedisTopicKeys.DEFAULT.revisionKey("settings"), revision.toString());
		redis.server()
			.command("SET", RedisTopicKeys.DEFAULT.snapshotKey("settings"),
					"{\"revision\":\"" + revision + "\",\"data\":{\"theme\":\"" + theme + "\"}}");
		return revision;
	}

	/**
	 * Wait for the subscription's confirmation and the first fetch, which waited for it,
	 * so that it does not read what a test stores afterwards.
	 */
	private static void awaitSettled(AssertableApplicationContext context) {
		TopicStatistics.Topic topic = context.getBean(TopicStatistics.class).topic("settings");
		await().atMost(WITHIN_AN_INTERVAL)
			.until(() -> context.getBean(StateSyncTransport.class).isConnected()
					&& topic.refreshes(RefreshOutcome.APPLIED) + topic.refreshes(RefreshOutcome.SKIPPED)
							+ topic.refreshes(RefreshOutcome.FAILED) >= 1);
	}

	@Test
	void aWriteStoredWithoutItsInvalidationReachesEveryNodeWithinOneInterval(CapturedOutput output) {
		node(INTERVAL).run((a) -> node(INTERVAL).run((b) -> node(INTERVAL).run((c) -> {
			List<AssertableApplicationContext> fleet = List.of(a, b, c);
			Revision published = a.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			for (AssertableApplicationContext node : fleet) {
				await().atMost(WITHIN_AN_INTERVAL)
					.untilAsserted(() -> assertThat(node.getBean(Settings.class).getTheme()).isEqualTo("dark"));
			}
			long stored = System.nanoTime();
			Revision silent = storeWithoutInvalidation(published, "silent");
			for (AssertableApplicationContext node : fleet) {
				await().atMost(WITHIN_AN_INTERVAL)
					.untilAsserted(() -> assertThat(node.getBean(Settings.class).getTheme()).isEqualTo("silent"));
				// measured, not asserted: at most 1.5 intervals, the grace and a fetch
				System.out.println("Repaired within " + (System.nanoTime() - stored) / 1_000_000 + " ms at an "
						+ "interval of 300 ms");
				assertThat(node.getBean(SyncedTopicRegistry.class).handle("settings").localRevision())
					.isEqualTo(silent);
				assertThat(node.getBean(MeterRegistry.class)
					.get("statesync.reconcile.repairs")
					.tag("topic", "settings")
					.counter()
					.count()).isEqualTo(1.0);
				assertThat(node.getBean(TopicStatistics.class).topic("settings").repairs()).isEqualTo(1);
				assertThat(node.getBean(MeterRegistry.class)
					.get("statesync.reconcile")
					.tag("outcome", "succeeded")
					.timer()
					.count()).isPositive();
			}
			assertThat(output.getAll()
				.lines()
				.filter((line) -> line.contains("Topic 'settings' was at revision " + published + ", Redis holds "
						+ silent + ": an invalidation was lost; repaired")))
				.hasSize(3);
		})));
	}

	@Test
	void aTopicFetchedOverHttpThatMissedAnInvalidationIsRefreshedFromItsOwner() {
		try (ConfigurableApplicationContext owner = new SpringApplicationBuilder(
				StateSyncRestIntegrationTests.OwnerApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.data.redis.port=" + redis.server().port(),
					"statesync.rest.enabled=true", "statesync.rest.topics=settings", INTERVAL)
			.run()) {
			int port = ((WebServerApplicationContext) owner).getWebServer().getPort();
			Revision published = owner.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			node(INTERVAL, "statesync.topics.settings.url=http://localhost:" + port).run((fetcher) -> {
				Settings settings = fetcher.getBean(Settings.class);
				await().atMost(WITHIN_AN_INTERVAL)
					.untilAsserted(() -> assertThat(settings.getTheme()).isEqualTo("dark"));
				Revision silent = storeWithoutInvalidation(published, "silent");
				await().atMost(WITHIN_AN_INTERVAL.multipliedBy(2))
					.untilAsserted(() -> assertThat(settings.getTheme()).isEqualTo("silent"));
				assertThat(fetcher.getBean(SyncedTopicRegistry.class).handle("settings").localRevision())
					.isEqualTo(silent);
				assertThat(fetcher.getBean(TopicStatistics.class).topic("settings").repairs()).isEqualTo(1);
			});
		}
	}

	@Test
	void manyRepairsInOneRunLogTenLinesAndOneSummary(CapturedOutput output) {
		int count = 13;
		String[] topics = new String[count + 1];
		topics[0] = INTERVAL;
		for (int i = 1; i <= count; i++) {
			topics[i] = "statesync.topics.many-" + i + ".required=false";
		}
		node(topics).run((context) -> {
			awaitSettled(context);
			TopicStatistics statistics = context.getBean(TopicStatistics.class);
			// stored between two runs: every topic is found behind in the same run
			long runs = statistics.reconciliation().runs();
			await().atMost(WITHIN_AN_INTERVAL).until(() -> statistics.reconciliation().runs() > runs);
			List<String> mset = new ArrayList<>(List.of("MSET"));
			for (int i = 1; i <= count; i++) {
				String topic = "many-" + i;
				mset.addAll(List.of(RedisTopicKeys.DEFAULT.revisionKey(topic), "7",
						RedisTopicKeys.DEFAULT.snapshotKey(topic), "{\"revision\":\"7\",\"data\":{\"n\":" + i + "}}"));
			}
			redis.server().command(mset.toArray(String[]::new));
			SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
			await().atMost(WITHIN_AN_INTERVAL)
				.until(() -> java.util.stream.IntStream.rangeClosed(1, count)
					.allMatch((i) -> Revision.of(7).equals(registry.handle("many-" + i).localRevision())));
			long repairs = java.util.stream.IntStream.rangeClosed(1, count)
				.mapToLong((i) -> statistics.topic("many-" + i).repairs())
				.sum();
			assertThat(repairs).isEqualTo(count);
			List<String> lines = output.getAll().lines().filter((line) -> line.contains("TopicReconciler")).toList();
			assertThat(lines).filteredOn((line) -> line.contains("an invalidation was lost")).hasSize(10);
			assertThat(lines).filteredOn((line) -> line.contains("and 3 more topics were behind Redis")).hasSize(1);
		});
	}

	@Test
	void aCurrentTopicIsNotFetched() {
		node(INTERVAL).run((context) -> {
			awaitSettled(context);
			context.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			TopicStatistics statistics = context.getBean(TopicStatistics.class);
			long published = statistics.reconciliation().runs();
			await().atMost(WITHIN_AN_INTERVAL).until(() -> statistics.reconciliation().runs() > published);
			AtomicInteger reads = context.getBean("snapshotReads", AtomicInteger.class);
			reads.set(0);
			long runs = statistics.reconciliation().runs();
			await().atMost(WITHIN_AN_INTERVAL).until(() -> statistics.reconciliation().runs() >= runs + 3);
			assertThat(reads).as("snapshots read while current").hasValue(0);
			assertThat(statistics.topic("settings").repairs()).isZero();
		});
	}

	@Test
	void aTopicRedisLostIsCheckedOnceAndNotCountedAsARepair() {
		node(INTERVAL).run((context) -> {
			awaitSettled(context);
			context.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			TopicStatistics statistics = context.getBean(TopicStatistics.class);
			redis.server()
				.command("DEL", RedisTopicKeys.DEFAULT.revisionKey("settings"),
						RedisTopicKeys.DEFAULT.snapshotKey("settings"));
			await().atMost(WITHIN_AN_INTERVAL)
				.until(() -> statistics.topic("settings").errors(SyncPhase.REGRESSION) >= 1);
			assertThat(statistics.topic("settings").lastError().exception())
				.isEqualTo(SnapshotMissingException.class.getSimpleName());
			long afterRun = statistics.reconciliation().runs() + 1;
			await().atMost(WITHIN_AN_INTERVAL).until(() -> statistics.reconciliation().runs() >= afterRun);
			long reported = statistics.topic("settings").errors(SyncPhase.REGRESSION);
			await().atMost(WITHIN_AN_INTERVAL).until(() -> statistics.reconciliation().runs() >= afterRun + 3);
			assertThat(statistics.topic("settings").errors(SyncPhase.REGRESSION)).as("not asked again every run")
				.isEqualTo(reported);
			assertThat(statistics.topic("settings").repairs()).isZero();
			assertThat(context.getBean(Settings.class).getTheme()).as("the node keeps its data").isEqualTo("dark");
		});
	}

	@Test
	void aTopicStaleBecauseItsFetchesFailedIsCurrentAgainOnceRedisAnswersWithoutAWrite() {
		// no liveness probe and no write: only reconciliation can notice Redis is back
		node(INTERVAL, "statesync.redis.liveness-interval=0", "statesync.topics.settings.stale-after=300ms",
				"statesync.topics.settings.fetch-timeout=300ms", "statesync.topics.settings.retry.max-attempts=2")
			.run((context) -> {
				SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
				context.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
				await().atMost(WITHIN_AN_INTERVAL)
					.until(() -> registry.handle("settings").status().status() == TopicStatus.CURRENT);
				redis.server().pause();
				try {
					// the refresh and its retry fail and end: nothing of the engine's
					// own fetches the topic again
					CompletableFuture<Void> refresh = registry.handle("settings").refresh();
					await().atMost(WITHIN_AN_INTERVAL).until(refresh::isDone);
					await().atMost(WITHIN_AN_INTERVAL)
						.until(() -> registry.handle("settings").status().status() == TopicStatus.STALE);
				}
				finally {
					redis.server().resume();
				}
				await().atMost(WITHIN_AN_INTERVAL)
					.until(() -> registry.handle("settings").status().status() == TopicStatus.CURRENT);
			});
	}

	@Test
	void zeroTurnsReconciliationOff() {
		node("statesync.reconcile-interval=0").run((context) -> {
			awaitSettled(context);
			Revision published = context.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			assertThat(context.getBean(TopicReconciler.class).isRunning()).isFalse();
			storeWithoutInvalidation(published, "silent");
			await().during(Duration.ofSeconds(1))
				.atMost(Duration.ofSeconds(2))
				.until(() -> "dark".equals(context.getBean(Settings.class).getTheme()));
			assertThat(context.getBean(TopicStatistics.class).reconciliation().runs()).isZero();
		});
	}

	@Test
	void theInJvmTransportHasNoReconcilerAndAUserReconcilerWins() {
		this.runner.withPropertyValues("statesync.transport=local")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TopicReconciler.class));
		node()
			.withBean("myReconciler", TopicReconciler.class,
					() -> new TopicReconciler(new SyncedTopicRegistry(), (topics) -> null, "mine",
							new TopicStatistics(java.time.Clock.systemUTC()),
							io.github.statesync.core.engine.SyncScheduler.shared(), Duration.ZERO))
			.run((context) -> assertThat(context).getBeanNames(TopicReconciler.class).containsExactly("myReconciler"));
	}

	@Test
	void aNegativeIntervalFailsStartNamingTheProperty() {
		node("statesync.reconcile-interval=-1s").run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("statesync.reconcile-interval"));
	}

	@Configuration(proxyBeanMethods = false)
	static class CountingReadsConfiguration {

		@Bean
		AtomicInteger snapshotReads() {
			return new AtomicInteger();
		}

		@Bean
		SyncListener countingReadsListener(AtomicInteger snapshotReads) {
			return new SyncListener() {

				@Override
				public void onSnapshotRead(String topic, Revision revision, int bytes) {
					snapshotReads.incrementAndGet();
				}

			};
		}

	}

}
