package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.transport.RedisStateSyncTransport;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.redis.RedisPubSubMode;
import io.github.statesync.test.redis.RedisCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis transport on a Redis Cluster configured by Spring Boot's
 * {@code spring.data.redis.cluster.nodes}: the pub/sub mode it picks, and two
 * applications syncing a bean over sharded pub/sub.
 */
class StateSyncRedisClusterIntegrationTests {

	private static RedisCluster cluster;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
				StateSyncAutoConfiguration.class, StateSyncRedisAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class);

	@BeforeAll
	static void startCluster() {
		cluster = RedisCluster.start();
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	private ApplicationContextRunner node() {
		return this.runner.withPropertyValues("spring.data.redis.cluster.nodes=" + cluster.nodesProperty());
	}

	@Test
	void clusterNodesGiveShardedPubSubByDefaultAndTwoApplicationsSyncABean() {
		node().run((a) -> node().run((b) -> {
			RedisStateSyncTransport transport = a.getBean(RedisStateSyncTransport.class);
			assertThat(transport.pubSubMode()).isEqualTo(RedisPubSubMode.SHARDED);
			assertThat(transport.shardedSubscriber()).isNotNull();
			assertThat(transport.readsFromReplicas()).isFalse();
			Revision revision = a.getBean(StatePublisher.class).publish("settings", Map.of("theme", "sharded"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(b.getBean(Settings.class).getTheme()).isEqualTo("sharded"));
			assertThat(b.getBean(SyncedTopicRegistry.class).handle("settings").localRevision()).isEqualTo(revision);
			assertThat(b.getBean(RedisStateSyncTransport.class).isConnected()).isTrue();
		}));
	}

	@Test
	void classicPubSubOnAClusterWhenAskedFor() {
		ApplicationContextRunner classic = node().withPropertyValues("statesync.redis.pubsub=classic");
		classic.run((a) -> classic.run((b) -> {
			RedisStateSyncTransport transport = a.getBean(RedisStateSyncTransport.class);
			assertThat(transport.pubSubMode()).isEqualTo(RedisPubSubMode.CLASSIC);
			assertThat(transport.shardedSubscriber()).isNull();
			Revision revision = a.getBean(StatePublisher.class).publish("settings", Map.of("theme", "classic"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(b.getBean(Settings.class).getTheme()).isEqualTo("classic"));
			assertThat(b.getBean(SyncedTopicRegistry.class).handle("settings").localRevision()).isEqualTo(revision);
		}));
	}

	@Test
	void replicaReadsOnAClusterWhenAskedFor() {
		node().withPropertyValues("statesync.redis.read-from=replica-preferred").run((a) -> {
			assertThat(a.getBean(RedisStateSyncTransport.class).readsFromReplicas()).isTrue();
			a.getBean(StatePublisher.class).publish("settings", Map.of("theme", "replica"));
			assertThat(a.getBean(Settings.class).getTheme()).isEqualTo("replica");
		});
	}

	@Test
	void shardedPubSubOnASingleRedisFailsWithThePropertyToFix() {
		this.runner
			.withPropertyValues("spring.data.redis.port=" + cluster.masters().get(0).port(),
					"statesync.redis.pubsub=sharded")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: statesync.redis.pubsub")
					.contains("Redis Cluster");
				assertThat(analysis.getAction()).contains("statesync.redis.pubsub");
			});
	}

	@Test
	void replicaReadsOnASingleRedisFailWithThePropertyToFix() {
		this.runner
			.withPropertyValues("spring.data.redis.port=" + cluster.masters().get(0).port(),
					"statesync.redis.read-from=replica-preferred")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: statesync.redis.read-from");
			});
	}

}
