package io.github.statesync.test.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.statesync.test.redis.RedisCluster.Node;

import static org.assertj.core.api.Assertions.assertThat;

class RedisClusterTests {

	private static RedisCluster cluster;

	@BeforeAll
	static void startCluster() {
		long start = System.nanoTime();
		cluster = RedisCluster.start();
		System.out.printf("RedisCluster.start() took %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
	}

	@AfterAll
	static void closeCluster() {
		cluster.close();
	}

	@Test
	void startsAClusterCoveringEverySlotWithOneReplicaPerMaster() {
		List<Node> masters = cluster.masters();
		assertThat(masters).hasSize(3);
		assertThat(cluster.nodes()).hasSize(6);
		Set<String> masterIds = masters.stream().map(Node::id).collect(Collectors.toSet());
		for (Node master : masters) {
			assertThat(cluster.nodes()).filteredOn((node) -> master.id().equals(node.masterId())).hasSize(1);
		}
		for (int slot = 0; slot < RedisCluster.SLOTS; slot += 97) {
			assertThat(masterIds).contains(cluster.masterOf(slot).id());
		}
		assertThat(cluster.masterOf(0)).isEqualTo(masters.get(0));
		assertThat(cluster.masterOf(RedisCluster.SLOTS - 1)).isEqualTo(masters.get(2));
		for (Node node : cluster.nodes()) {
			assertThat(cluster.command(node, "CLUSTER", "INFO")).contains("cluster_state:ok",
					"cluster_slots_assigned:16384", "cluster_known_nodes:6");
		}
		assertThat(cluster.nodesProperty().split(",")).hasSize(6)
			.allMatch((address) -> address.startsWith("127.0.0.1:"));
	}

	@Test
	void hashSlotFollowsTheHashTag() {
		// values from the Redis Cluster specification and CLUSTER KEYSLOT
		assertThat(RedisCluster.slot("123456789")).isEqualTo(12739);
		assertThat(RedisCluster.slot("{user1000}.following")).isEqualTo(RedisCluster.slot("user1000"));
		assertThat(RedisCluster.slot("foo{}{bar}")).isEqualTo(RedisCluster.slot("foo{}{bar}"));
		Node any = cluster.masters().get(0);
		for (String key : List.of("statesync:{orders}:state", "foo{}{bar}", "foo{{bar}}zap", "a{b}c{d}", "", "ü{é}")) {
			assertThat(RedisCluster.slot(key)).as(key)
				.isEqualTo(Integer.parseInt(cluster.command(any, "CLUSTER", "KEYSLOT", key)));
		}
	}

	@Test
	void killedMasterIsReplacedByItsReplicaAndKeepsAcknowledgedWrites() {
		String key = "{failover}:key";
		Node master = cluster.masterOf(RedisCluster.slot(key));
		Node replica = cluster.nodes().stream().filter((node) -> master.id().equals(node.masterId())).findFirst().get();
		cluster.command(master, "SET", key, "before");
		assertThat(cluster.command(master, "WAIT", "1", "5000")).isEqualTo("1");
		cluster.kill(master);
		long start = System.nanoTime();
		Node promoted = cluster.awaitFailover(master, Duration.ofSeconds(30));
		System.out.printf("failover took %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
		assertThat(promoted.id()).isEqualTo(replica.id());
		assertThat(promoted.master()).isTrue();
		assertThat(cluster.masterOf(RedisCluster.slot(key))).isEqualTo(promoted);
		assertThat(cluster.command(promoted, "GET", key)).isEqualTo("before");
		assertThat(cluster.nodes()).extracting(Node::id).doesNotContain(master.id());
		cluster.restart(master);
		assertThat(cluster.nodes()).hasSize(6)
			.filteredOn((node) -> node.id().equals(master.id()))
			.singleElement()
			.satisfies((node) -> assertThat(node.masterId()).isEqualTo(promoted.id()));
		assertThat(cluster.command(master, "ROLE")).startsWith("slave");
	}

	@Test
	void closeLeavesNoProcess() {
		RedisCluster small = RedisCluster.start(1, 1);
		List<Long> pids = small.pids();
		assertThat(pids).hasSize(2);
		assertThat(pids).allMatch((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
		small.close();
		assertThat(pids).noneMatch((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
		assertThat(small.pids()).isEmpty();
	}

}
