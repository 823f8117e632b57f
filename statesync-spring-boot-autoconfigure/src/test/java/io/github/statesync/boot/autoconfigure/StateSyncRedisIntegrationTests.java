package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.autoconfigure.rest.StateSyncRestAutoConfiguration;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.transport.RedisStateSyncTransport;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.test.redis.RedisServerExtension;
import io.github.statesync.test.redis.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.RedisMessageListenerContainerConfigurer;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class StateSyncRedisIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				StateSyncAutoConfiguration.class, StateSyncRedisAutoConfiguration.class,
				StateSyncRestAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class);

	private ApplicationContextRunner node() {
		return this.runner.withPropertyValues("spring.data.redis.port=" + redis.server().port());
	}

	@Test
	void twoApplicationsSyncABeanThroughRedisWithZeroConfiguration() {
		node().run((a) -> node().run((b) -> {
			assertThat(a).hasSingleBean(RedisStateSyncTransport.class);
			Settings onA = a.getBean(Settings.class);
			Settings onB = b.getBean(Settings.class);
			Revision revision = a.getBean(StatePublisher.class)
				.publish("settings", Map.of("theme", "dark", "maxUploadMb", 25, "features", Map.of("beta", true)));
			assertThat(onA.getTheme()).as("read your writes").isEqualTo("dark");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(onB.getTheme()).isEqualTo("dark"));
			assertThat(onB.getMaxUploadMb()).isEqualTo(25);
			assertThat(onB.getFeatures()).containsEntry("beta", true);
			assertThat(b.getBean(SyncedTopicRegistry.class).handle("settings").localRevision()).isEqualTo(revision);
		}));
	}

	@Test
	void smallSnapshotsTravelInsideTheInvalidationWhenInliningIsOn() {
		String[] inline = { "statesync.defaults.inline-max-size=4KB" };
		node().withPropertyValues(inline).run((a) -> {
			a.getBean(StatePublisher.class).publish("settings", Map.of("theme", "stored"));
			node().withPropertyValues(inline).withUserConfiguration(CountingReadsConfiguration.class).run((b) -> {
				AtomicInteger reads = b.getBean("snapshotReads", AtomicInteger.class);
				// b fetched at start, once its subscription was confirmed
				await().atMost(Duration.ofSeconds(10))
					.until(() -> b.getBean(StateSyncTransport.class).isConnected() && reads.get() >= 1);
				reads.set(0);
				Revision revision = a.getBean(StatePublisher.class).publish("settings", Map.of("theme", "inline"));
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(b.getBean(Settings.class).getTheme()).isEqualTo("inline"));
				assertThat(b.getBean(SyncedTopicRegistry.class).handle("settings").localRevision()).isEqualTo(revision);
				assertThat(reads).as("snapshots read from Redis").hasValue(0);
			});
		});
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

	@Test
	void compareAndSetThroughThePublisherDetectsConflicts() {
		node().run((a) -> {
			StatePublisher publisher = a.getBean(StatePublisher.class);
			PublishResult first = publisher.publishIfCurrent("settings", Revision.ZERO, Map.of("theme", "dark"));
			PublishResult conflict = publisher.publishIfCurrent("settings", Revision.ZERO, Map.of("theme", "blue"));
			assertThat(first.published()).isTrue();
			assertThat(conflict).isEqualTo(new PublishResult(false, first.revision()));
			assertThat(a.getBean(Settings.class).getTheme()).isEqualTo("dark");
		});
	}

	@Test
	void requiredTopicStartsOnTheStoredSnapshot() {
		node().run((writer) -> {
			writer.getBean(StatePublisher.class).publish("settings", Map.of("theme", "stored"));
			node().withPropertyValues("statesync.topics.settings.required=true").run((reader) -> {
				assertThat(reader).hasNotFailed();
				assertThat(reader.getBean(Settings.class).getTheme()).isEqualTo("stored");
			});
		});
	}

	@Test
	void publishRespectsEachTopicsPayloadLimitOnTheWholeEnvelope() {
		node().withPropertyValues("statesync.topics.big.max-payload-size=3MB")
			.run((a) -> node().withPropertyValues("statesync.topics.big.max-payload-size=3MB").run((b) -> {
				StatePublisher publisher = a.getBean(StatePublisher.class);
				String twoMegabytes = "x".repeat(2 * 1024 * 1024);
				Revision big = publisher.publish("big", Map.of("blob", twoMegabytes));
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(b.getBean(SyncedTopicRegistry.class).handle("big").localRevision())
						.isEqualTo(big));
				// Data just under 1 MB: with its envelope it is over the default limit,
				// so no reader would accept it.
				String almostOneMegabyte = "x".repeat(1024 * 1024 - 30);
				assertThatExceptionOfType(PublishException.class)
					.isThrownBy(() -> publisher.publish("settings", Map.of("theme", almostOneMegabyte)))
					.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(PublishException.Reason.TOO_LARGE))
					.withMessageContaining("over the topic's payload limit of 1048576 bytes")
					.withMessageContaining("'statesync.topics.settings.max-payload-size'");
			}));
	}

	@Test
	void requiredTopicFailsStartupWhenRedisIsDown() {
		int port = redis.server().port();
		redis.server().stop();
		this.runner
			.withPropertyValues("spring.data.redis.port=" + port, "statesync.topics.settings.required=true",
					"statesync.startup-timeout=3s", "statesync.topics.settings.retry.max-attempts=2",
					"spring.data.redis.timeout=500ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(new StateSyncFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
					.contains("'settings'");
			});
	}

	@Test
	void listenerContainerFollowsBootsListenerPropertiesOnlyWhenAnyIsSet() {
		// Boot configures its own redisMessageListenerContainer in both runs; statesync's
		// container is the one more configured when a listener property is set
		AtomicInteger withoutProperties = new AtomicInteger();
		node().withBean(RecordingConfigurer.class, RecordingConfigurer::new).run((context) -> {
			assertThat(context).hasNotFailed();
			withoutProperties.set(context.getBean(RecordingConfigurer.class).configured);
		});
		node().withBean(RecordingConfigurer.class, RecordingConfigurer::new)
			.withPropertyValues("spring.data.redis.listener.recovery.delay=1s")
			.run((context) -> {
				assertThat(context.getBean(RecordingConfigurer.class).configured)
					.isEqualTo(withoutProperties.get() + 1);
				Settings settings = context.getBean(Settings.class);
				node().run((other) -> other.getBean(StatePublisher.class).publish("settings", Map.of("theme", "teal")));
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(settings.getTheme()).isEqualTo("teal"));
			});
	}

	@Test
	void halfOpenPubSubConnectionIsFoundWithTheConfiguredLiveness() {
		try (TcpProxy proxy = TcpProxy.to(redis.server())) {
			this.runner
				.withPropertyValues("spring.data.redis.port=" + proxy.port(), "statesync.redis.liveness-interval=200ms",
						"statesync.redis.liveness-timeout=300ms")
				.run((context) -> {
					RedisStateSyncTransport transport = context.getBean(RedisStateSyncTransport.class);
					await().atMost(Duration.ofSeconds(10)).until(transport::isPubSubConnected);
					assertThat(transport.pubSubLivenessFailures()).isZero();
					proxy.blackhole();
					await().atMost(Duration.ofSeconds(10)).until(() -> transport.pubSubLivenessFailures() >= 1);
					// the data connection was held too: let it go before the context
					// closes
					proxy.heal();
					await().atMost(Duration.ofSeconds(10)).until(transport::isPubSubConnected);
				});
		}
	}

	@Test
	void negativeLivenessIntervalFailsStartupNamingTheProperty() {
		node().withPropertyValues("statesync.redis.liveness-interval=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new StateSyncFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
				.contains("statesync.redis.liveness-interval");
		});
	}

	@Test
	void zeroLivenessTimeoutFailsStartupNamingTheProperty() {
		node().withPropertyValues("statesync.redis.liveness-timeout=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new StateSyncFailureAnalyzer().analyze(context.getStartupFailure()).getAction())
				.contains("statesync.redis.liveness-timeout");
		});
	}

	@Test
	void zeroLivenessIntervalTurnsTheProbeOff() {
		node().withPropertyValues("statesync.redis.liveness-interval=0").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RedisStateSyncTransport.class).pubSubLivenessFailures()).isZero();
		});
	}

	/**
	 * Boot's configurer of listener containers, counting the containers it configured.
	 */
	static class RecordingConfigurer extends RedisMessageListenerContainerConfigurer {

		int configured;

		RecordingConfigurer() {
			super(new DataRedisProperties());
		}

		@Override
		public void configure(RedisMessageListenerContainer container, RedisConnectionFactory connectionFactory) {
			this.configured++;
			super.configure(container, connectionFactory);
		}

	}

}
