package io.github.statesync.benchmarks.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.statesync.benchmarks.fanout.FanOutScenario;
import io.github.statesync.benchmarks.propagation.PropagationScenario;
import io.github.statesync.benchmarks.propagation.StatesyncTarget;
import io.github.statesync.benchmarks.propagation.StatesyncTarget.ReaderKind;
import io.github.statesync.benchmarks.reader.BenchTopicConfiguration;
import io.github.statesync.benchmarks.support.BenchState;
import io.github.statesync.benchmarks.support.ClusterTarget;
import io.github.statesync.benchmarks.support.Pacer;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.benchmarks.support.RunMode;
import io.github.statesync.benchmarks.support.ScenarioResult;
import io.github.statesync.benchmarks.writer.StatesyncWriter;
import io.github.statesync.redis.RedisPubSubMode;
import io.github.statesync.test.redis.RedisCluster;

/**
 * Scenario 7, Redis Cluster: a local cluster of 3 masters and 3 replicas (real
 * {@code redis-server} processes on loopback, started by the test support) beside the
 * single server, in the same run. It measures what a write costs the cluster's bus in
 * sharded ({@code SPUBLISH}) and classic ({@code PUBLISH}) mode, then the propagation
 * latency of the {@code @SyncedTopic} bean and the fan-out to many readers on the single
 * server and on the cluster.
 *
 * @author statesync
 */
public final class ClusterScenario {

	private static final long INTERVAL_NANOS = 1_000_000;

	private static final int COUNTED_WRITES = 200;

	private final RedisTarget redis;

	private final RunMode mode;

	/**
	 * Create the scenario.
	 * @param redis the single server, measured beside the cluster
	 * @param mode quick or full, as the propagation and fan-out scenarios take it
	 */
	public ClusterScenario(RedisTarget redis, RunMode mode) {
		this.redis = redis;
		this.mode = mode;
	}

	/**
	 * Start the cluster, run every measurement and stop it.
	 * @return the results
	 * @throws Exception if a measurement failed
	 */
	public List<ScenarioResult> run() throws Exception {
		List<ScenarioResult> results = new ArrayList<>();
		try (RedisCluster cluster = RedisCluster.start()) {
			ClusterTarget sharded = new ClusterTarget(cluster.nodesProperty(), RedisPubSubMode.SHARDED);
			ClusterTarget classic = new ClusterTarget(cluster.nodesProperty(), RedisPubSubMode.CLASSIC);
			results.add(busMessagesPerWrite(cluster, sharded));
			results.add(busMessagesPerWrite(cluster, classic));
			results.addAll(new PropagationScenario(this.redis, this.mode)
				.run(List.of(new StatesyncTarget(this.redis, ReaderKind.BEAN, false),
						new StatesyncTarget(this.redis, ReaderKind.BEAN, false, sharded),
						new StatesyncTarget(this.redis, ReaderKind.BEAN, false, classic))));
			this.redis.flushAll();
			results.add(new FanOutScenario(this.redis, this.mode).run());
			results.add(new FanOutScenario(this.redis, this.mode, sharded).run());
		}
		return results;
	}

	/**
	 * Count the pub/sub messages the cluster's nodes send each other over the cluster bus
	 * for each write ({@code cluster_stats_messages_publish_sent} and
	 * {@code ..._publishshard_sent} of {@code CLUSTER INFO}), and how many nodes receive
	 * them. Clients' deliveries are not on the bus and not counted.
	 */
	private ScenarioResult busMessagesPerWrite(RedisCluster cluster, ClusterTarget target) throws Exception {
		List<RedisCluster.Node> nodes = cluster.nodes();
		Map<String, Map<String, Long>> before = new LinkedHashMap<>();
		for (RedisCluster.Node node : nodes) {
			before.put(node.id(), cluster.clusterInfo(node));
		}
		try (StatesyncWriter writer = new StatesyncWriter(target, 0)) {
			Pacer pacer = new Pacer(INTERVAL_NANOS);
			for (int i = 1; i <= COUNTED_WRITES; i++) {
				pacer.await();
				writer.publisher().publish(BenchTopicConfiguration.TOPIC, BenchState.forSequence(i));
			}
		}
		// the bus carries messages asynchronously: let the last ones arrive
		Thread.sleep(1_000);
		long sent = 0;
		int sending = 0;
		int receiving = 0;
		for (RedisCluster.Node node : nodes) {
			Map<String, Long> after = cluster.clusterInfo(node);
			long nodeSent = delta(before.get(node.id()), after, "cluster_stats_messages_publish_sent")
					+ delta(before.get(node.id()), after, "cluster_stats_messages_publishshard_sent");
			long nodeReceived = delta(before.get(node.id()), after, "cluster_stats_messages_publish_received")
					+ delta(before.get(node.id()), after, "cluster_stats_messages_publishshard_received");
			sent += nodeSent;
			sending += (nodeSent > 0) ? 1 : 0;
			receiving += (nodeReceived > 0) ? 1 : 0;
		}
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("writes", COUNTED_WRITES);
		fields.put("nodes", nodes.size());
		fields.put("bus_messages_per_write", Math.round(100.0 * sent / COUNTED_WRITES) / 100.0);
		fields.put("nodes_sending", sending);
		fields.put("nodes_receiving", receiving);
		return new ScenarioResult("cluster-bus/" + target.label(), fields);
	}

	private static long delta(Map<String, Long> before, Map<String, Long> after, String field) {
		return after.getOrDefault(field, 0L) - before.getOrDefault(field, 0L);
	}

}
