package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.autoconfigure.metrics.StateSyncMetricsAutoConfiguration;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.metrics.StateSyncMetrics;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.test.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StateSyncMetricsIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				ValidationAutoConfiguration.class, MetricsAutoConfiguration.class, StateSyncAutoConfiguration.class,
				StateSyncRedisAutoConfiguration.class, StateSyncMetricsAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class)
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("statesync.topics.settings.retry.max-attempts=2",
				"statesync.topics.settings.retry.initial-delay=10ms", "statesync.topics.settings.retry.max-delay=10ms");

	private ApplicationContextRunner node() {
		return this.runner.withPropertyValues("spring.data.redis.port=" + redis.server().port());
	}

	@Test
	void noMetersWithoutRegistryOrWhenDisabledOrWithoutMicrometer() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(StateSyncAutoConfiguration.class, StateSyncMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(StateSyncMetrics.class));
		this.runner.withPropertyValues("statesync.transport=local", "statesync.metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StateSyncMetrics.class));
		this.runner.withPropertyValues("statesync.transport=local")
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(StateSyncMetrics.class));
	}

	@Test
	void everyMeterMovesInARealSync() {
		node().run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle("settings");
			RedisTopicKeys keys = RedisTopicKeys.DEFAULT;
			// subscriptions are made in the background: wait until Redis has this one
			await().atMost(Duration.ofSeconds(10))
				.until(() -> redis.server().command("PUBSUB", "NUMSUB", keys.channel("settings")).endsWith("\n1"));

			// accepted + applied, with lag and snapshot size; the revision gauge follows
			Revision first = context.getBean(StateSyncTransport.class)
				.publisher()
				.publish("settings", Map.of("theme", "dark"));
			await().atMost(Duration.ofSeconds(10)).until(() -> handle.localRevision().equals(first));
			assertThat(counter(meters, "statesync.invalidations", "outcome", "accepted")).isEqualTo(1);
			assertThat(meters.get("statesync.refresh").tags("topic", "settings", "outcome", "applied").timer().count())
				.isGreaterThanOrEqualTo(1);
			assertThat(meters.get("statesync.lag").tags("topic", "settings").timer().count()).isEqualTo(1);
			assertThat(meters.get("statesync.snapshot.size").tags("topic", "settings").summary().max())
				.isGreaterThan(20);
			assertThat(meters.get("statesync.revision").tags("topic", "settings").gauge().value())
				.isEqualTo((double) first.longValue());

			// the same event again: stale
			redis.server()
				.command("PUBLISH", keys.channel("settings"),
						"{\"topic\":\"settings\",\"revision\":\"" + first + "\"}");
			// garbage: invalid, and a protocol error
			redis.server().command("PUBLISH", keys.channel("settings"), "{not json");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(counter(meters, "statesync.invalidations", "outcome", "stale")).isEqualTo(1);
				assertThat(counter(meters, "statesync.invalidations", "outcome", "invalid")).isEqualTo(1);
				assertThat(counter(meters, "statesync.errors", "phase", "protocol")).isEqualTo(1);
			});

			// a snapshot that fails validation: failed refresh, apply error
			redis.server()
				.command("SET", keys.snapshotKey("settings"),
						"{\"revision\":\"" + first.next() + "\",\"data\":{\"maxUploadMb\":5000}}");
			redis.server()
				.command("PUBLISH", keys.channel("settings"),
						"{\"topic\":\"settings\",\"revision\":\"" + first.next() + "\"}");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(counter(meters, "statesync.errors", "phase", "apply")).isEqualTo(1);
				assertThat(
						meters.get("statesync.refresh").tags("topic", "settings", "outcome", "failed").timer().count())
					.isEqualTo(1);
			});

			// a lagging store (valid, but older than announced): the fetch is retried,
			// then the gap reported
			redis.server()
				.command("SET", keys.snapshotKey("settings"),
						"{\"revision\":\"" + first.next() + "\",\"data\":{\"theme\":\"dark\"}}");
			Revision announced = Revision.of(first.longValue() + 10);
			redis.server()
				.command("PUBLISH", keys.channel("settings"),
						"{\"topic\":\"settings\",\"revision\":\"" + announced + "\"}");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(counter(meters, "statesync.fetch.retries")).isEqualTo(1);
				assertThat(counter(meters, "statesync.errors", "phase", "fetch")).isEqualTo(2);
			});

			// refreshes while the store does not answer: one in flight, one queued, the
			// rest coalesced
			double coalescedBefore = counter(meters, "statesync.refresh.coalesced");
			redis.server().pause();
			try {
				CompletableFuture<Void> inFlight = handle.refresh();
				handle.refresh();
				handle.refresh();
				handle.refresh();
				assertThat(inFlight).isNotDone();
			}
			finally {
				redis.server().resume();
			}
			assertThat(counter(meters, "statesync.refresh.coalesced") - coalescedBefore).isEqualTo(2);
			assertThat(meters.get("statesync.refresh").tags("topic", "settings", "outcome", "skipped").timer().count())
				.isGreaterThanOrEqualTo(1);
			assertThat(context.getBean(Settings.class).getTheme()).isEqualTo("dark");
		});
	}

	@Test
	void statusGaugesFollowTheTopicAndTheLivenessProbeIsCounted() {
		node()
			.withPropertyValues("statesync.topics.settings.stale-after=200ms",
					"statesync.topics.settings.fetch-timeout=300ms")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle("settings");
				context.getBean(StateSyncTransport.class).publisher().publish("settings", Map.of("theme", "dark"));
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					assertThat(status(meters, "current")).isOne();
					assertThat(status(meters, "stale")).isZero();
				});
				assertThat(meters.get("statesync.pubsub.liveness.failures").functionCounter().count()).isZero();
				// the source fails for longer than stale-after: the gauges say so
				redis.server().stop();
				try {
					handle.refresh();
					await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
						assertThat(status(meters, "stale")).isOne();
						assertThat(status(meters, "current")).isZero();
					});
				}
				finally {
					redis.server().restart();
				}
			});
		this.runner.withPropertyValues("statesync.transport=local").run((context) -> {
			publish(context, "settings");
			assertThat(context.getBean(MeterRegistry.class).find("statesync.pubsub.liveness.failures").meter())
				.as("no probe without Redis")
				.isNull();
		});
	}

	private static double status(MeterRegistry meters, String status) {
		return meters.get("statesync.topic.status").tags("topic", "settings", "status", status).gauge().value();
	}

	@Test
	void topicTagsAreBoundedOrDisabled() {
		this.runner.withPropertyValues("statesync.transport=local", "statesync.metrics.topic-tag=false")
			.run((context) -> {
				publish(context, "settings");
				assertThat(context.getBean(MeterRegistry.class)
					.find("statesync.invalidations")
					.tagKeys("topic")
					.counters()).allSatisfy((counter) -> assertThat(counter.getId().getTag("topic")).isEqualTo("_all"));
			});
		this.runner
			.withPropertyValues("statesync.transport=local", "statesync.metrics.max-tagged-topics=1",
					"statesync.topics.flags.required=false")
			.run((context) -> {
				publish(context, "settings");
				publish(context, "flags");
				// the first topic to report gets the one tag of its own; both start at
				// once
				await().untilAsserted(() -> assertThat(context.getBean(MeterRegistry.class)
					.find("statesync.refresh")
					.timers()
					.stream()
					.map((timer) -> timer.getId().getTag("topic"))
					.distinct()).hasSize(2).contains("_other").containsAnyOf("settings", "flags"));
			});
	}

	private static void publish(AssertableApplicationContext context, String topic) {
		context.getBean(StateSyncTransport.class).publisher().publish(topic, Map.of("theme", "dark"));
	}

	private static double counter(MeterRegistry meters, String name, String... tags) {
		String[] all = new String[tags.length + 2];
		all[0] = "topic";
		all[1] = "settings";
		System.arraycopy(tags, 0, all, 2, tags.length);
		return meters.get(name).tags(all).counter().count();
	}

}
