package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.statesync.boot.actuate.StateSyncFleetEndpoint;
import io.github.statesync.boot.actuate.StateSyncFleetEndpoint.TopicFleetDescriptor;
import io.github.statesync.boot.autoconfigure.endpoint.StateSyncEndpointAutoConfiguration;
import io.github.statesync.boot.autoconfigure.endpoint.StateSyncFleetEndpointAutoConfiguration;
import io.github.statesync.boot.autoconfigure.metrics.StateSyncMetricsAutoConfiguration;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.topic.SnapshotValidator;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.redis.RedisFleetReporter;
import io.github.statesync.redis.RedisFleetView;
import io.github.statesync.test.redis.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three applications with the fleet view on: one whose applies are held is named as the
 * laggard, by the endpoint and the {@code statesync.fleet.laggards} gauge, until it
 * catches up; applications that stop leave the view.
 */
class StateSyncFleetIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				MetricsAutoConfiguration.class, StateSyncAutoConfiguration.class, StateSyncRedisAutoConfiguration.class,
				StateSyncMetricsAutoConfiguration.class, StateSyncEndpointAutoConfiguration.class,
				StateSyncFleetEndpointAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class)
		.withBean(SimpleMeterRegistry.class)
		.withPropertyValues("statesync.fleet.report-interval=100ms", "statesync.fleet.ttl=2s",
				"management.endpoints.web.exposure.include=statesync,statesyncfleet");

	private ApplicationContextRunner node(String id) {
		return this.runner.withPropertyValues("spring.data.redis.port=" + redis.server().port(),
				"statesync.node-id=" + id, "statesync.fleet.enabled=true");
	}

	@Test
	void fleetViewNamesTheApplicationWhoseAppliesAreHeldUntilItCatchesUpAndForgetsThoseThatStop() {
		node("a").run((a) -> {
			StateSyncFleetEndpoint fleet = a.getBean(StateSyncFleetEndpoint.class);
			node("b").run((b) -> node("c").withBean(HoldingValidator.class).run((c) -> {
				Revision first = publish(a, "dark");
				await().atMost(Duration.ofSeconds(20))
					.until(() -> fleet.topic("settings").nodes(), (nodes) -> nodes
						.equals(Map.of("a", first.toString(), "b", first.toString(), "c", first.toString())));

				CountDownLatch held = c.getBean(HoldingValidator.class).hold();
				Revision second = publish(a, "light");
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
					TopicFleetDescriptor topic = fleet.topic("settings");
					assertThat(topic.laggards()).containsExactly("c");
					assertThat(topic.nodes()).containsEntry("c", first.toString())
						.containsEntry("b", second.toString());
					assertThat(laggardGauge(c)).isEqualTo(1);
				});
				assertThat(laggardGauge(a)).isZero();
				assertThat(fleet.fleet().laggards()).containsOnlyKeys("settings");
				assertThat(fleet.fleet().nodes().get("c").lagging()).isEqualTo(1);

				held.countDown();
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
					assertThat(fleet.topic("settings").laggards()).isEmpty();
					assertThat(laggardGauge(c)).isZero();
				});
				assertThat(fleet.fleet().laggards()).isEmpty();
			}));
			// b and c stopped cleanly: they left the view at once
			assertThat(fleet.fleet().nodes()).containsOnlyKeys("a");
			assertThat(fleet.topic("settings").nodes()).containsOnlyKeys("a");
		});
	}

	@Test
	void fleetViewIsOffByDefault() {
		this.runner.withPropertyValues("spring.data.redis.port=" + redis.server().port()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RedisFleetReporter.class);
			assertThat(context).doesNotHaveBean(RedisFleetView.class);
			assertThat(context).doesNotHaveBean(StateSyncFleetEndpoint.class);
		});
	}

	@Test
	void fleetReportsUnderTheNodeIdOfTheTransport() {
		this.runner
			.withPropertyValues("spring.data.redis.port=" + redis.server().port(), "statesync.fleet.enabled=true")
			.run((context) -> {
				String nodeId = context.getBean(RedisFleetReporter.class).nodeId();
				assertThat(nodeId).startsWith("statesync-")
					.isEqualTo(
							context.getBean(io.github.statesync.boot.transport.RedisStateSyncTransport.class).nodeId());
			});
	}

	@Test
	void ttlNotLongerThanTheReportIntervalFailsStart() {
		node("a").withPropertyValues("statesync.fleet.ttl=100ms").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidStateSyncConfigurationException.class)
				.hasMessageContaining("statesync.fleet.ttl");
		});
	}

	private static Revision publish(ApplicationContext context, String theme) {
		return context.getBean(StatePublisher.class).publish("settings", Map.of("theme", theme));
	}

	private static double laggardGauge(ApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.get("statesync.fleet.laggards")
			.tag("topic", "settings")
			.gauge()
			.value();
	}

	/**
	 * Holds the next validation of a snapshot, and with it the apply, until released.
	 */
	static class HoldingValidator implements SnapshotValidator {

		private volatile @Nullable CountDownLatch gate;

		CountDownLatch hold() {
			CountDownLatch latch = new CountDownLatch(1);
			this.gate = latch;
			return latch;
		}

		@Override
		public void validate(String topic, Object candidate) {
			CountDownLatch latch = this.gate;
			if (latch != null) {
				this.gate = null;
				try {
					latch.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

}
