package io.github.statesync.test.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.github.statesync.test.redis.RedisCluster.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

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

	@Test
	void migrateSlotMovesTheSlotWithItsKeysAndEveryNodeAgrees() {
		int slot = RedisCluster.slot("{migrate}");
		Node source = cluster.masterOf(slot);
		Node target = cluster.masters().stream().filter((master) -> !master.equals(source)).findFirst().get();
		for (int i = 0; i < 250; i++) {
			cluster.command(source, "SET", "{migrate}:" + i, "v" + i);
		}
		cluster.migrateSlot(slot, target);
		assertThat(cluster.masterOf(slot)).isEqualTo(target);
		assertThat(cluster.command(target, "CLUSTER", "COUNTKEYSINSLOT", String.valueOf(slot))).isEqualTo("250");
		assertThat(cluster.command(source, "CLUSTER", "COUNTKEYSINSLOT", String.valueOf(slot))).isEqualTo("0");
		assertThat(cluster.command(target, "GET", "{migrate}:249")).isEqualTo("v249");
		for (Node node : cluster.nodes()) {
			if (!node.equals(target)) {
				assertThatIllegalStateException().isThrownBy(() -> cluster.command(node, "GET", "{migrate}:0"))
					.withMessageContaining("MOVED " + slot + " " + target.address());
			}
		}
	}

	@Test
	void clusterInfoCountsClassicPublishToEveryNodeAndShardedPublishToTheShardOnly() {
		String channel = "{counters}:channel";
		Node master = cluster.masterOf(RedisCluster.slot(channel));
		List<Node> nodes = cluster.nodes();
		Node replica = nodes.stream().filter((node) -> master.id().equals(node.masterId())).findFirst().get();
		Map<Node, Map<String, Long>> before = infos(nodes);
		assertThat(cluster.command(master, "PUBLISH", channel, "classic")).isEqualTo("0");
		Map<Node, Map<String, Long>> afterClassic = awaitClassicReceived(nodes, master, before);
		assertThat(cluster.command(master, "SPUBLISH", channel, "sharded")).isEqualTo("0");
		// a classic marker after it on the same bus links: once every node has it, every
		// sharded message sent before it has arrived too
		cluster.command(master, "PUBLISH", channel, "marker");
		Map<Node, Map<String, Long>> afterSharded = awaitClassicReceived(nodes, master, afterClassic);
		for (Node node : nodes) {
			long classicSent = delta(before, afterClassic, node, "cluster_stats_messages_publish_sent");
			long shardSent = delta(afterClassic, afterSharded, node, "cluster_stats_messages_publishshard_sent");
			long shardReceived = delta(afterClassic, afterSharded, node,
					"cluster_stats_messages_publishshard_received");
			assertThat(delta(before, afterClassic, node, "cluster_stats_messages_publishshard_sent")).isZero();
			if (node.equals(master)) {
				assertThat(classicSent).as("classic: one message to each other node").isEqualTo(nodes.size() - 1);
				assertThat(shardSent).as("sharded: one message to each replica of the shard").isEqualTo(1);
			}
			else {
				assertThat(classicSent).isZero();
				assertThat(shardSent).isZero();
				assertThat(shardReceived).as(node.address()).isEqualTo(node.equals(replica) ? 1 : 0);
			}
		}
	}

	@Test
	void shardedPublishFromAScriptIsCountedLikeSpublish() {
		String channel = "{script}:channel";
		Node master = cluster.masterOf(RedisCluster.slot(channel));
		Map<String, Long> before = cluster.clusterInfo(master);
		cluster.command(master, "EVAL", "return redis.call('SPUBLISH', KEYS[1], ARGV[1])", "1", channel, "m");
		Map<String, Long> after = cluster.clusterInfo(master);
		assertThat(after.getOrDefault("cluster_stats_messages_publishshard_sent", 0L)
				- before.getOrDefault("cluster_stats_messages_publishshard_sent", 0L))
			.isEqualTo(1);
		assertThat(after.getOrDefault("cluster_stats_messages_publish_sent", 0L))
			.isEqualTo(before.getOrDefault("cluster_stats_messages_publish_sent", 0L));
	}

	private static Map<Node, Map<String, Long>> awaitClassicReceived(List<Node> nodes, Node publisher,
			Map<Node, Map<String, Long>> before) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> infos(nodes), (infos) -> nodes.stream()
				.filter((node) -> !node.equals(publisher))
				.allMatch((node) -> delta(before, infos, node, "cluster_stats_messages_publish_received") == 1));
	}

	private static Map<Node, Map<String, Long>> infos(List<Node> nodes) {
		Map<Node, Map<String, Long>> infos = new HashMap<>();
		nodes.forEach((node) -> infos.put(node, cluster.clusterInfo(node)));
		return infos;
	}

	private static long delta(Map<Node, Map<String, Long>> before, Map<Node, Map<String, Long>> after, Node node,
			String field) {
		return after.get(node).getOrDefault(field, 0L) - before.get(node).getOrDefault(field, 0L);
	}

}
