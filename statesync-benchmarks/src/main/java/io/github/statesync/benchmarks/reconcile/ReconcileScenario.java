package io.github.statesync.benchmarks.reconcile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.statesync.benchmarks.support.Percentiles;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.benchmarks.support.RunMode;
import io.github.statesync.benchmarks.support.ScenarioResult;
import io.github.statesync.benchmarks.writer.StatesyncWriter;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.redis.RedisSnapshotStore;
import io.github.statesync.redis.RedisTopicKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The cost of one reconcile run at 10,000 topics: the time of
 * {@link RedisSnapshotStore#revisions} (one pipelined {@code MGET} per thousand topics,
 * what each node does every {@code statesync.reconcile-interval}), the commands it costs
 * Redis and the bytes it moves ({@code INFO stats} before and after, less the
 * {@code INFO} calls themselves, which run on another connection and are measured alone).
 *
 * @author statesync
 */
public final class ReconcileScenario {

	private final RedisTarget redis;

	private final RunMode mode;

	/**
	 * Create the scenario.
	 * @param redis the server
	 * @param mode quick or full
	 */
	public ReconcileScenario(RedisTarget redis, RunMode mode) {
		this.redis = redis;
		this.mode = mode;
	}

	/**
	 * Run it.
	 * @return one result per topic count
	 * @throws Exception if a read failed
	 */
	public List<ScenarioResult> run() throws Exception {
		List<ScenarioResult> results = new ArrayList<>();
		for (int topics : new int[] { 1_000, 10_000 }) {
			results.add(run(topics));
		}
		return results;
	}

	private ScenarioResult run(int count) throws Exception {
		List<String> topics = new ArrayList<>(count);
		RedisClient client = RedisClient.create(this.redis.uri());
		try (StatefulRedisConnection<String, String> admin = client.connect();
				StatesyncWriter writer = new StatesyncWriter(this.redis, 0)) {
			RedisCommands<String, String> commands = admin.sync();
			Map<String, String> keys = new LinkedHashMap<>();
			long base = System.currentTimeMillis() * 1000;
			for (int i = 0; i < count; i++) {
				String topic = "reconcile-" + i;
				topics.add(topic);
				keys.put(RedisTopicKeys.DEFAULT.revisionKey(topic), Long.toString(base + i));
			}
			commands.mset(keys);
			RedisSnapshotStore store = writer.store();
			int warmUp = this.mode.pick(20, 100);
			int runs = this.mode.pick(50, 300);
			for (int i = 0; i < warmUp; i++) {
				check(store.revisions(topics).get(30, TimeUnit.SECONDS), count);
			}
			Stats infoOnly = Stats.read(commands);
			Stats before = Stats.read(commands);
			long infoCommands = before.commands - infoOnly.commands;
			long infoOut = before.outputBytes - infoOnly.outputBytes;
			long infoIn = before.inputBytes - infoOnly.inputBytes;
			long[] nanos = new long[runs];
			before = Stats.read(commands);
			for (int i = 0; i < runs; i++) {
				long started = System.nanoTime();
				Map<String, Revision> revisions = store.revisions(topics).get(30, TimeUnit.SECONDS);
				nanos[i] = System.nanoTime() - started;
				check(revisions, count);
			}
			Stats after = Stats.read(commands);
			Map<String, Object> fields = new LinkedHashMap<>();
			fields.put("topics", count);
			fields.put("runs", runs);
			fields.putAll(Percentiles.ofNanos(nanos).fields());
			fields.put("commands_per_run", (double) (after.commands - before.commands - infoCommands) / runs);
			fields.put("bytes_to_redis_per_run", (after.inputBytes - before.inputBytes - infoIn) / runs);
			fields.put("bytes_from_redis_per_run", (after.outputBytes - before.outputBytes - infoOut) / runs);
			return new ScenarioResult("reconcile/" + count, fields);
		}
		finally {
			client.shutdown();
		}
	}

	private static void check(Map<String, Revision> revisions, int count) {
		if (revisions.size() != count) {
			throw new IllegalStateException("read " + revisions.size() + " revisions of " + count + " topics");
		}
	}

	private record Stats(long commands, long inputBytes, long outputBytes) {

		static Stats read(RedisCommands<String, String> commands) {
			Map<String, Long> values = new LinkedHashMap<>();
			commands.info("stats").lines().forEach((line) -> {
				int colon = line.indexOf(':');
				if (colon > 0 && !line.startsWith("#")) {
					String value = line.substring(colon + 1).trim();
					if (value.chars().allMatch(Character::isDigit) && !value.isEmpty()) {
						values.put(line.substring(0, colon), Long.parseLong(value));
					}
				}
			});
			return new Stats(values.getOrDefault("total_commands_processed", 0L),
					values.getOrDefault("total_net_input_bytes", 0L),
					values.getOrDefault("total_net_output_bytes", 0L));
		}

	}

}
