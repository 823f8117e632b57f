package io.github.statesync.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.github.statesync.test.redis.RedisCluster;
import io.github.statesync.test.redis.RedisCluster.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster master killed while topics it owns are written: its replica is
 * promoted, the sharded subscribers move to it and every node converges with no stale
 * apply. Each test has a cluster of its own, since a test kills a node.
 */
class RedisClusterFailoverIntegrationTests {

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void killedMasterIsReplacedByItsReplicaAndEveryReaderConvergesWithNoStaleApply() throws Exception {
		RedisCluster cluster = RedisCluster.start();
		this.closeables.add(cluster);
		List<String> topics = IntStream.range(0, 60).mapToObj((i) -> "failover-" + i).toList();
		ClusterTestNode writer = node(cluster, "writer");
		List<ClusterTestNode> readers = List.of(node(cluster, "a"), node(cluster, "b"));
		readers.forEach((reader) -> topics.forEach((topic) -> reader.follow(topic).join()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> readers.stream().allMatch((reader) -> reader.sharded().isConnected()));
		RedisClusterIntegrationTests.Writes writes = new RedisClusterIntegrationTests.Writes(writer, topics);
		writes.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> writes.count() > 300);
		Node victim = cluster.masterOf(RedisCluster.slot(RedisTopicKeys.DEFAULT.channel(topics.get(0))));
		long killed = System.nanoTime();
		cluster.kill(victim);
		Node promoted = cluster.awaitFailover(victim, Duration.ofSeconds(30));
		long failedOver = System.nanoTime();
		await("readers subscribed on the promoted replica").pollInterval(Duration.ofMillis(5))
			.atMost(Duration.ofSeconds(30))
			.until(() -> readers.stream()
				.allMatch((reader) -> reader.sharded().isConnected()
						&& reader.sharded().shardConnections().containsKey(promoted.address())));
		long resubscribed = System.nanoTime();
		int writtenAtFailover = writes.count();
		await("writes resume on every shard").atMost(Duration.ofSeconds(30))
			.until(() -> writes.count() > writtenAtFailover + 300);
		long resumed = System.nanoTime();
		writes.stop();
		long stopped = System.nanoTime();
		await("every reader on the last write of every topic").pollInterval(Duration.ofMillis(5))
			.atMost(Duration.ofSeconds(60))
			.until(() -> readers.stream()
				.allMatch((reader) -> topics.stream()
					.allMatch((topic) -> reader.revision(topic).equals(writes.last(topic)))));
		long converged = System.nanoTime();
		System.out.printf(
				"[cluster] killed master %s: replica %s promoted after %d ms, readers subscribed on it %d ms later, "
						+ "writes resumed after %d ms (%d failed publishes retried), readers converged %d ms after the "
						+ "last write (%d ms after the kill)%n",
				victim.address(), promoted.address(), millis(killed, failedOver), millis(failedOver, resubscribed),
				millis(killed, resumed), writes.failures(), millis(stopped, converged), millis(killed, converged));
		for (ClusterTestNode reader : readers) {
			assertThat(reader.staleApplies).isEmpty();
			assertThat(reader.sharded().topologyChanges()).isPositive();
		}
		// the promoted replica now carries the readers' shard subscriptions
		await().atMost(Duration.ofSeconds(30))
			.until(() -> readers.stream().allMatch((reader) -> reader.sharded().isConnected()));
		assertThat(readers)
			.allSatisfy((reader) -> assertThat(reader.sharded().shardConnections()).containsKey(promoted.address()));
	}

	private ClusterTestNode node(RedisCluster cluster, String id) {
		ClusterTestNode node = new ClusterTestNode(id, cluster.nodesProperty(), RedisPubSubMode.SHARDED);
		this.closeables.add(node);
		return node;
	}

	private static long millis(long from, long to) {
		return TimeUnit.NANOSECONDS.toMillis(to - from);
	}

}
