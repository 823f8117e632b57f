package io.github.statesync.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;

import io.github.statesync.test.redis.RedisSentinelGroup;
import io.github.statesync.test.redis.RedisSentinelGroup.HostAndPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * statesync on Redis Sentinel ({@code spring.data.redis.sentinel.*}): the classic
 * subscriber and the store follow a failover, asked for or forced by a dead master, while
 * topics are written, and every reader converges with no stale apply.
 */
class RedisSentinelIntegrationTests {

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void sentinelFailoverUnderWritesConvergesWithNoStaleApply() throws Exception {
		failoverUnderWrites("SENTINEL FAILOVER", (group) -> {
			HostAndPort old = group.master();
			group.failover();
			return old;
		});
	}

	@Test
	void killedMasterUnderWritesConvergesWithNoStaleApply() throws Exception {
		failoverUnderWrites("killed master", RedisSentinelGroup::killMaster);
	}

	private void failoverUnderWrites(String fault, Function<RedisSentinelGroup, HostAndPort> failover)
			throws Exception {
		RedisSentinelGroup group = RedisSentinelGroup.start();
		this.closeables.add(group);
		List<String> topics = IntStream.range(0, 20).mapToObj((i) -> "sentinel-" + i).toList();
		ClusterTestNode writer = node(group, "writer");
		List<ClusterTestNode> readers = List.of(node(group, "a"), node(group, "b"));
		readers.forEach((reader) -> topics.forEach((topic) -> reader.follow(topic).join()));
		RedisClusterIntegrationTests.Writes writes = new RedisClusterIntegrationTests.Writes(writer, topics);
		writes.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> writes.count() > 200);
		long faulted = System.nanoTime();
		HostAndPort old = failover.apply(group);
		HostAndPort promoted = group.awaitNewMaster(old, Duration.ofSeconds(30));
		long failedOver = System.nanoTime();
		// writes the old master took after the promotion are lost when it becomes a
		// replica: the final state is what the writes after that set
		group.awaitReplicasInSync(Duration.ofSeconds(30));
		int settled = writes.count();
		await("writes on the new master").atMost(Duration.ofSeconds(30)).until(() -> writes.count() > settled + 200);
		writes.stop();
		long stopped = System.nanoTime();
		await("every reader on the last write of every topic").pollInterval(Duration.ofMillis(5))
			.atMost(Duration.ofSeconds(60))
			.until(() -> readers.stream()
				.allMatch((reader) -> topics.stream()
					.allMatch((topic) -> reader.revision(topic).equals(writes.last(topic)))));
		long converged = System.nanoTime();
		System.out.printf(
				"[sentinel] %s: %s -> %s after %d ms (%d failed publishes retried), readers converged %d ms after "
						+ "the last write; %d applies followed the new master back (writes lost with the old one)%n",
				fault, old, promoted, TimeUnit.NANOSECONDS.toMillis(failedOver - faulted), writes.failures(),
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped),
				readers.stream().mapToLong((reader) -> reader.followedRegressions.get()).sum());
		for (ClusterTestNode reader : readers) {
			assertThat(reader.staleApplies).isEmpty();
			assertThat(((RedisInvalidationSubscriber) reader.subscriber).isConnected()).isTrue();
		}
		assertThat(converged).isPositive();
	}

	private ClusterTestNode node(RedisSentinelGroup group, String id) {
		ClusterTestNode node = ClusterTestNode.sentinel(id, group.masterName(), group.sentinelsProperty());
		this.closeables.add(node);
		return node;
	}

}
