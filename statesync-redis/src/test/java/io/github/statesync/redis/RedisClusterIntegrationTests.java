package io.github.statesync.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.WriteMetadata;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.test.redis.RedisCluster;
import io.github.statesync.test.redis.RedisCluster.Node;
import io.lettuce.core.ReadFrom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * statesync on a real Redis Cluster (3 masters, 3 replicas): sharded pub/sub, writes on
 * the topic's shard, a live slot migration, replica reads, reconciliation's reads.
 * Timings are printed for the record, never asserted.
 */
class RedisClusterIntegrationTests {

	private static RedisCluster cluster;

	private final List<ClusterTestNode> nodes = new ArrayList<>();

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

	@AfterEach
	void closeNodes() {
		this.nodes.forEach(ClusterTestNode::close);
	}

	private ClusterTestNode node(String id, RedisPubSubMode mode) {
		ClusterTestNode node = new ClusterTestNode(id, cluster.nodesProperty(), mode);
		this.nodes.add(node);
		return node;
	}

	@Test
	void historyIsWrittenOnTheTopicsShardBySpreadTopicsInBothModes() {
		WriteMetadata metadata = new WriteMetadata(HistoryEntry.Operation.PUBLISH, null, null,
				new HistoryRetention(3, 1_000_000));
		for (RedisPubSubMode mode : RedisPubSubMode.values()) {
			ClusterTestNode writer = node("history-" + mode, mode);
			for (int t = 0; t < 30; t++) {
				// thirty topics land on all three shards
				String topic = "history-" + mode + "-" + t;
				for (int i = 0; i < 5; i++) {
					writer.store.write(topic, Settings.of("v" + i, i), null, metadata);
				}
				assertThat(writer.store.history(topic, 10)).hasSize(3)
					.first()
					.satisfies((entry) -> assertThat(entry.envelope()).contains("\"theme\":\"v4\""));
			}
		}
	}

	@Test
	void thousandTopicsOnThreeNodesConvergeOverOnePubSubConnectionPerShard() {
		List<String> topics = IntStream.range(0, 1000).mapToObj((i) -> "many-" + i).toList();
		List<ClusterTestNode> readers = List.of(node("a", RedisPubSubMode.SHARDED), node("b", RedisPubSubMode.SHARDED),
				node("c", RedisPubSubMode.SHARDED));
		readers.forEach((reader) -> CompletableFuture
			.allOf(topics.stream().map(reader::follow).toArray(CompletableFuture[]::new))
			.orTimeout(60, TimeUnit.SECONDS)
			.join());
		await("every subscription confirmed").atMost(Duration.ofSeconds(30))
			.until(() -> readers.stream().allMatch((reader) -> reader.sharded().isConnected()));
		Map<String, Revision> last = new ConcurrentHashMap<>();
		Random random = new Random(14);
		long started = System.nanoTime();
		List<CompletableFuture<?>> writes = new ArrayList<>();
		for (int i = 0; i < 3000; i++) {
			String topic = topics.get(random.nextInt(topics.size()));
			ClusterTestNode writer = readers.get(i % readers.size());
			writes.add(writer.store.publishAsync(topic, Settings.of("w" + i, i))
				.thenAccept((revision) -> last.merge(topic, revision, (a, b) -> b.isNewerThan(a) ? b : a)));
			if (writes.size() == 100) {
				CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
				writes.clear();
			}
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
		long written = System.nanoTime();
		await("every node on the last write of every topic").pollInterval(Duration.ofMillis(5))
			.atMost(Duration.ofSeconds(60))
			.until(() -> readers.stream()
				.allMatch((reader) -> last.entrySet()
					.stream()
					.allMatch((entry) -> reader.revision(entry.getKey()).equals(entry.getValue()))));
		System.out.printf("[cluster] 3000 writes to %d topics: written in %d ms, all 3 nodes converged %d ms later%n",
				last.size(), TimeUnit.NANOSECONDS.toMillis(written - started),
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written));
		readers.forEach((reader) -> assertThat(reader.staleApplies).isEmpty());
		for (ClusterTestNode reader : readers) {
			assertThat(reader.sharded().shardConnections()).hasSize(3);
		}
		// Redis's own view: on each master, one client per reader holds shard
		// subscriptions, whatever the number of topics
		for (Node master : cluster.masters()) {
			List<String> subscribers = shardSubscribers(master);
			assertThat(subscribers).as("sharded subscribers on %s", master.address()).hasSize(3);
			System.out.printf("[cluster] %s: %s%n", master.address(), subscribers);
		}
	}

	@Test
	void shardedPublishReachesOnlyTheOwningShardWhereClassicReachesEveryNode() {
		ClusterTestNode sharded = node("sharded", RedisPubSubMode.SHARDED);
		ClusterTestNode classic = node("classic", RedisPubSubMode.CLASSIC);
		String topic = "counted";
		Node owner = cluster.masterOf(RedisCluster.slot(RedisTopicKeys.DEFAULT.channel(topic)));
		Map<String, Map<String, Long>> before = bus();
		sharded.store.publish(topic, Settings.of("sharded", 1));
		Map<String, Map<String, Long>> afterSharded = awaitQuiet(before);
		classic.store.publish(topic, Settings.of("classic", 2));
		Map<String, Map<String, Long>> afterClassic = awaitQuiet(afterSharded);
		Map<String, Long> shardedSent = sent(before, afterSharded);
		Map<String, Long> classicSent = sent(afterSharded, afterClassic);
		System.out.printf("[cluster] bus messages sent for one write: sharded %s, classic %s%n", shardedSent,
				classicSent);
		// sharded: the owner tells its one replica, nobody else sends anything
		assertThat(shardedSent.get(owner.address())).isEqualTo(1);
		assertThat(shardedSent.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
		// classic: the owner broadcasts to the five other nodes
		assertThat(classicSent.get(owner.address())).isEqualTo(5);
		assertThat(cluster.command(owner, "EXISTS", RedisTopicKeys.DEFAULT.snapshotKey(topic))).isEqualTo("1");
	}

	/**
	 * Publish messages (classic and sharded) sent over the cluster bus by each node.
	 */
	private static Map<String, Map<String, Long>> bus() {
		Map<String, Map<String, Long>> counts = new HashMap<>();
		for (Node node : cluster.nodes()) {
			Map<String, Long> info = cluster.clusterInfo(node);
			counts.put(node.address(),
					Map.of("publish", info.getOrDefault("cluster_stats_messages_publish_sent", 0L), "publishshard",
							info.getOrDefault("cluster_stats_messages_publishshard_sent", 0L), "received",
							info.getOrDefault("cluster_stats_messages_publish_received", 0L)
									+ info.getOrDefault("cluster_stats_messages_publishshard_received", 0L)));
		}
		return counts;
	}

	/**
	 * Wait until every message sent was received (the bus is asynchronous).
	 */
	private static Map<String, Map<String, Long>> awaitQuiet(Map<String, Map<String, Long>> before) {
		AtomicInteger stable = new AtomicInteger();
		Map<String, Map<String, Long>>[] last = new Map[] { bus() };
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
			Map<String, Map<String, Long>> now = bus();
			long sent = sent(before, now).values().stream().mapToLong(Long::longValue).sum();
			long received = now.values().stream().mapToLong((m) -> m.get("received")).sum()
					- before.values().stream().mapToLong((m) -> m.get("received")).sum();
			boolean same = now.equals(last[0]);
			last[0] = now;
			return sent > 0 && sent == received && same && stable.incrementAndGet() >= 3;
		});
		return last[0];
	}

	private static Map<String, Long> sent(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after) {
		Map<String, Long> sent = new HashMap<>();
		after.forEach((address, counts) -> sent.put(address, counts.get("publish") + counts.get("publishshard")
				- before.get(address).get("publish") - before.get(address).get("publishshard")));
		return sent;
	}

	@Test
	void startFetchesEachTopicOnceInBothModesAndAKilledConnectionResyncs() {
		for (RedisPubSubMode mode : RedisPubSubMode.values()) {
			ClusterTestNode writer = node("start-writer-" + mode, mode);
			ClusterTestNode reader = node("start-reader-" + mode, mode);
			// thirty topics land on all three shards
			List<String> topics = IntStream.range(0, 30).mapToObj((t) -> "start-" + mode + "-" + t).toList();
			Map<String, Revision> first = new HashMap<>();
			topics.forEach((topic) -> first.put(topic, writer.store.publish(topic, Settings.of("first", 1))));
			// the reader's pub/sub connections are made first (their first use may take
			// longer than a start waits for a confirmation)
			RedisPubSubSubscriber subscriber = (RedisPubSubSubscriber) reader.subscriber;
			IntStream.range(0, 10).forEach((t) -> reader.follow("warm-" + mode + "-" + t).join());
			await().atMost(Duration.ofSeconds(20)).until(subscriber::isConnected);
			topics.forEach((topic) -> reader.follow(topic).join());
			await().atMost(Duration.ofSeconds(20)).until(subscriber::isConnected);
			// each start waited for its subscription's confirmation: one fetch, no resync
			topics.forEach((topic) -> assertThat(reader.refreshes(topic)).as(mode + " " + topic).isOne());
			topics.forEach((topic) -> assertThat(reader.revision(topic)).isEqualTo(first.get(topic)));
			// writes the reader misses while its connections are cut arrive through the
			// resync of the later confirmations
			int killed = 0;
			for (Node node : cluster.nodes()) {
				killed += Integer.parseInt(String.valueOf(cluster.command(node, "CLIENT", "KILL", "TYPE", "pubsub")));
			}
			assertThat(killed).isPositive();
			Map<String, Revision> second = new HashMap<>();
			topics.forEach((topic) -> second.put(topic, writer.store.publish(topic, Settings.of("second", 2))));
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> topics.forEach((topic) -> assertThat(reader.revision(topic)).as(mode + " " + topic)
					.isEqualTo(second.get(topic))));
		}
	}

	@Test
	void liveTopicConvergesWhileItsSlotMigratesToAnotherMaster() throws Exception {
		ClusterTestNode writer = node("writer", RedisPubSubMode.SHARDED);
		ClusterTestNode reader = node("reader", RedisPubSubMode.SHARDED);
		String topic = "migrating";
		List<String> bystanders = List.of("still-0", "still-1", "still-2");
		reader.follow(topic).join();
		bystanders.forEach((name) -> reader.follow(name).join());
		await().atMost(Duration.ofSeconds(20)).until(() -> reader.sharded().isConnected());
		int slot = RedisCluster.slot(RedisTopicKeys.DEFAULT.channel(topic));
		Node source = cluster.masterOf(slot);
		Node target = cluster.masters().stream().filter((m) -> !m.id().equals(source.id())).findFirst().orElseThrow();
		Writes writes = new Writes(writer, List.of(topic));
		writes.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> writes.count() > 50);
		long migrating = System.nanoTime();
		cluster.migrateSlot(slot, target);
		long migrated = System.nanoTime();
		int writtenWhenMigrated = writes.count();
		await().atMost(Duration.ofSeconds(10)).until(() -> writes.count() > writtenWhenMigrated + 50);
		writes.stop();
		long stopped = System.nanoTime();
		Revision last = writes.last(topic);
		await("reader on the last write").pollInterval(Duration.ofMillis(5))
			.atMost(Duration.ofSeconds(30))
			.until(() -> reader.revision(topic).equals(last));
		System.out.printf(
				"[cluster] slot %d migrated %s -> %s in %d ms under %d writes; reader converged %d ms after the last write%n",
				slot, source.address(), target.address(), TimeUnit.NANOSECONDS.toMillis(migrated - migrating),
				writes.count(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));
		assertThat(reader.staleApplies).isEmpty();
		assertThat(reader.sharded().topologyChanges()).isPositive();
		// the topic's channel now lives on the target: a new write reaches the reader
		// through it, not only through a resync
		await().atMost(Duration.ofSeconds(20)).until(() -> reader.sharded().isConnected());
		assertThat(shardSubscribers(target)).isNotEmpty();
		Revision next = writer.store.publish(topic, Settings.of("after", 0));
		await().atMost(Duration.ofSeconds(10)).until(() -> reader.revision(topic).equals(next));
	}

	@Test
	void reconciliationReadsTheRevisionsOfTopicsInEverySlot() {
		ClusterTestNode node = node("reconciler", RedisPubSubMode.SHARDED);
		List<String> topics = IntStream.range(0, 2500).mapToObj((i) -> "rev-" + i).toList();
		Map<String, Revision> written = new HashMap<>();
		List<CompletableFuture<Revision>> writes = topics.stream()
			.map((topic) -> node.store.publishAsync(topic, Settings.of(topic, 1)))
			.toList();
		for (int i = 0; i < topics.size(); i++) {
			written.put(topics.get(i), writes.get(i).join());
		}
		List<String> asked = new ArrayList<>(topics);
		asked.add("never-written");
		// one MGET per thousand topics, each spanning hundreds of slots: the client
		// splits it per slot on a cluster (else Redis answers CROSSSLOT)
		assertThat(node.store.revisions(asked).orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo(written);
	}

	@Test
	void replicaReadsConvergeAndTheEngineRetriesWhatALaggingReplicaServed() throws Exception {
		ClusterTestNode writer = node("writer", RedisPubSubMode.SHARDED);
		List<String> topics = IntStream.range(0, 30).mapToObj((i) -> "replica-" + i).toList();
		// Lettuce reads only from replicas whose replication offset was not 0 when it
		// loaded the topology (here: at the reader's first command, with no refresh)
		topics.forEach((topic) -> writer.store.publish(topic, Settings.of("first", 0)));
		ClusterTestNode reader = new ClusterTestNode("replica-reader", cluster.nodesProperty(), RedisPubSubMode.SHARDED,
				ReadFrom.REPLICA_PREFERRED);
		this.nodes.add(reader);
		// the same topics read from the masters: the retries it counts are those of an
		// event that arrives while a fetch is under way, not of a lagging replica
		ClusterTestNode upstream = node("upstream-reader", RedisPubSubMode.SHARDED);
		topics.forEach((topic) -> reader.follow(topic).join());
		topics.forEach((topic) -> upstream.follow(topic).join());
		await().atMost(Duration.ofSeconds(20))
			.until(() -> reader.sharded().isConnected() && upstream.sharded().isConnected());
		Map<Node, Long> replicaGets = new HashMap<>();
		cluster.nodes().stream().filter((n) -> !n.master()).forEach((n) -> replicaGets.put(n, gets(n)));
		Writes writes = new Writes(writer, topics);
		writes.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> writes.count() >= 2000);
		writes.stop();
		await("replica reader on the last write of every topic").atMost(Duration.ofSeconds(30))
			.until(() -> topics.stream().allMatch((topic) -> reader.revision(topic).equals(writes.last(topic))));
		long fromReplicas = replicaGets.entrySet().stream().mapToLong((e) -> gets(e.getKey()) - e.getValue()).sum();
		await("upstream reader on the last write of every topic").atMost(Duration.ofSeconds(30))
			.until(() -> topics.stream().allMatch((topic) -> upstream.revision(topic).equals(writes.last(topic))));
		System.out.printf(
				"[cluster] replica reads: %d writes to %d topics; replica-preferred reader: %d applies, %d GETs on "
						+ "replicas, %d fetch retries; upstream reader: %d applies, %d fetch retries%n",
				writes.count(), topics.size(), reader.applies.get(), fromReplicas, reader.retries.get(),
				upstream.applies.get(), upstream.retries.get());
		assertThat(fromReplicas).isPositive();
		assertThat(reader.staleApplies).isEmpty();
	}

	@Test
	void shardedWriterAndReaderNeedSpublishAndSsubscribeInTheirAclRules() {
		// Lettuce's cluster client reads the topology with CLUSTER NODES and INFO
		String writerRules = "resetkeys resetchannels -@all +cluster|nodes +info +get +mget +ping +evalsha +eval +set "
				+ "+incr +time ~statesync:{*}:revision ~statesync:{*}:snapshot &statesync:{*}:events";
		String topic = "acl";
		try {
			aclUser("sharded-publish", writerRules + " +publish");
			aclUser("sharded-writer", writerRules + " +spublish +ssubscribe +sunsubscribe");
			ClusterTestNode classicRules = track(ClusterTestNode.withUser("publish-only", cluster.nodesProperty(),
					RedisPubSubMode.SHARDED, "sharded-publish", "secret"));
			assertThatExceptionOfType(PublishException.class)
				.isThrownBy(() -> classicRules.store.publish(topic, Settings.of("denied", 0)))
				.withMessageContaining("NOPERM this user may not spublish")
				.withMessageContaining("nothing was written");
			assertThat(cluster.command(cluster.masterOf(RedisCluster.slot(RedisTopicKeys.DEFAULT.channel(topic))),
					"EXISTS", RedisTopicKeys.DEFAULT.snapshotKey(topic)))
				.isEqualTo("0");
			ClusterTestNode reader = track(ClusterTestNode.withUser("reader", cluster.nodesProperty(),
					RedisPubSubMode.SHARDED, "sharded-publish", "secret"));
			reader.follow(topic).join();
			await("SSUBSCRIBE refused and reported").atMost(Duration.ofSeconds(20))
				.until(() -> reader.sharded().subscriptionFailure(topic) != null);
			assertThat(reader.sharded().subscriptionFailure(topic)).contains("SSUBSCRIBE").contains("NOPERM");
			assertThat(reader.sharded().isConnected()).isTrue();
			assertThat(reader.errors).anyMatch((error) -> error.phase() == SyncPhase.SUBSCRIBE);
			ClusterTestNode writer = track(ClusterTestNode.withUser("writer", cluster.nodesProperty(),
					RedisPubSubMode.SHARDED, "sharded-writer", "secret"));
			Revision revision = writer.store.publish(topic, Settings.of("allowed", 1));
			// granted: the reader's retry subscribes and resyncs
			aclUser("sharded-publish", writerRules + " +publish +ssubscribe +sunsubscribe");
			await("reader subscribed once allowed").atMost(Duration.ofSeconds(30))
				.until(() -> reader.sharded().subscriptionFailure(topic) == null
						&& reader.revision(topic).equals(revision));
		}
		finally {
			cluster.nodes()
				.forEach((node) -> cluster.command(node, "ACL", "DELUSER", "sharded-publish", "sharded-writer"));
		}
	}

	private ClusterTestNode track(ClusterTestNode node) {
		this.nodes.add(node);
		return node;
	}

	private static void aclUser(String name, String rules) {
		List<String> command = new ArrayList<>(List.of("ACL", "SETUSER", name, "reset", "on", ">secret"));
		command.addAll(List.of(rules.split(" ")));
		cluster.nodes().forEach((node) -> cluster.command(node, command.toArray(String[]::new)));
	}

	private static long gets(Node node) {
		String stats = cluster.command(node, "INFO", "commandstats");
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("cmdstat_get:")) {
				return Long.parseLong(line.replaceAll("cmdstat_get:calls=(\\d+),.*", "$1"));
			}
		}
		return 0;
	}

	/**
	 * The clients of a node that hold sharded subscriptions, from {@code CLIENT LIST}.
	 */
	static List<String> shardSubscribers(Node node) {
		String clients = cluster.command(node, "CLIENT", "LIST");
		List<String> subscribers = new ArrayList<>();
		for (String line : clients.split("\r?\n")) {
			String ssub = line.replaceAll(".* ssub=(\\d+).*", "$1");
			if (!ssub.equals(line) && Long.parseLong(ssub) > 0) {
				subscribers.add(line.replaceAll(".* addr=(\\S+).*", "$1") + " ssub=" + ssub + " user="
						+ line.replaceAll(".* user=(\\S+).*", "$1"));
			}
		}
		return subscribers;
	}

	/**
	 * Writes in a loop on a thread of its own, publish after publish, retrying a publish
	 * that fails (a slot moving, a master failing over) until it succeeds.
	 */
	static final class Writes {

		private final ClusterTestNode writer;

		private final List<String> topics;

		private final Map<String, Revision> last = new ConcurrentHashMap<>();

		private final AtomicInteger count = new AtomicInteger();

		private final AtomicInteger failures = new AtomicInteger();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		Writes(ClusterTestNode writer, List<String> topics) {
			this.writer = writer;
			this.topics = topics;
			this.thread = new Thread(this::run, "cluster-writes");
			this.thread.setDaemon(true);
		}

		void start() {
			this.thread.start();
		}

		private void run() {
			int i = 0;
			while (this.running.get()) {
				String topic = this.topics.get(i % this.topics.size());
				try {
					Revision revision = this.writer.store.publish(topic, Settings.of("w" + i, i));
					this.last.merge(topic, revision, (a, b) -> b.isNewerThan(a) ? b : a);
					this.count.incrementAndGet();
					i++;
				}
				catch (RuntimeException ex) {
					this.failures.incrementAndGet();
					try {
						Thread.sleep(20);
					}
					catch (InterruptedException interrupted) {
						return;
					}
				}
			}
		}

		int count() {
			return this.count.get();
		}

		int failures() {
			return this.failures.get();
		}

		Revision last(String topic) {
			return this.last.getOrDefault(topic, Revision.ZERO);
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.thread.join(10_000);
		}

	}

}
