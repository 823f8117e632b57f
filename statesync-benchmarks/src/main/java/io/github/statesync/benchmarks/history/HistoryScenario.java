package io.github.statesync.benchmarks.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.statesync.benchmarks.support.Percentiles;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.benchmarks.support.RunMode;
import io.github.statesync.benchmarks.support.ScenarioResult;
import io.github.statesync.benchmarks.writer.StatesyncWriter;
import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.WriteMetadata;
import io.github.statesync.redis.RedisSnapshotStore;
import io.github.statesync.redis.RedisTopicKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

/**
 * What history costs a publish, side by side in one run: blocking publishes of the same
 * data to a topic without history and to one keeping 20 entries (bound 1 MB), in
 * alternating blocks so that both see the same machine. Per variant and data size: the
 * publish latency seen by the writer (one round trip, the script included), the script's
 * own time on the server ({@code INFO commandstats}, {@code usec_per_call} of
 * {@code evalsha}, reset before each block) and the Redis memory of the topic's keys
 * ({@code MEMORY USAGE ... SAMPLES 0} of the revision, snapshot, history and history-size
 * keys).
 *
 * @author statesync
 */
public final class HistoryScenario {

	private static final int KEEP = 20;

	private static final long MAX_BYTES = 1024 * 1024;

	private final RedisTarget redis;

	private final RunMode mode;

	/**
	 * Create the scenario.
	 * @param redis the server
	 * @param mode quick or full
	 */
	public HistoryScenario(RedisTarget redis, RunMode mode) {
		this.redis = redis;
		this.mode = mode;
	}

	/**
	 * Run it.
	 * @return one result per data size and variant
	 * @throws Exception if a write failed
	 */
	public List<ScenarioResult> run() throws Exception {
		List<ScenarioResult> results = new ArrayList<>();
		for (int size : new int[] { 200, 10_000 }) {
			results.addAll(run(size));
		}
		return results;
	}

	private List<ScenarioResult> run(int size) {
		int blocks = this.mode.pick(4, 10);
		int perBlock = this.mode.pick(250, 1000);
		int warmUp = this.mode.pick(500, 2000);
		String off = "history-off-" + size;
		String on = "history-on-" + size;
		WriteMetadata without = new WriteMetadata(HistoryEntry.Operation.PUBLISH, null, null, HistoryRetention.NONE);
		WriteMetadata with = new WriteMetadata(HistoryEntry.Operation.PUBLISH, "bench", null,
				new HistoryRetention(KEEP, MAX_BYTES));
		RedisClient client = RedisClient.create(this.redis.uri());
		try (StatefulRedisConnection<String, String> admin = client.connect();
				StatesyncWriter writer = new StatesyncWriter(this.redis, 0)) {
			RedisCommands<String, String> commands = admin.sync();
			RedisSnapshotStore store = writer.store();
			for (int i = 0; i < warmUp; i++) {
				store.write(off, document(size, i), null, without);
				store.write(on, document(size, i), null, with);
			}
			long[] offNanos = new long[blocks * perBlock];
			long[] onNanos = new long[blocks * perBlock];
			double offServer = 0;
			double onServer = 0;
			int sequence = warmUp;
			for (int block = 0; block < blocks; block++) {
				// alternate which variant goes first, so neither always follows the other
				boolean offFirst = block % 2 == 0;
				for (int pass = 0; pass < 2; pass++) {
					boolean history = (pass == 0) != offFirst;
					commands.configResetstat();
					for (int i = 0; i < perBlock; i++) {
						Object data = document(size, sequence++);
						long started = System.nanoTime();
						store.write(history ? on : off, data, null, history ? with : without);
						long took = System.nanoTime() - started;
						(history ? onNanos : offNanos)[block * perBlock + i] = took;
					}
					double usec = scriptMicros(commands);
					if (history) {
						onServer += usec / blocks;
					}
					else {
						offServer += usec / blocks;
					}
				}
			}
			return List.of(result(size, "off", offNanos, offServer, memory(commands, off), 0), result(size, "on",
					onNanos, onServer, memory(commands, on), commands.llen(RedisTopicKeys.DEFAULT.historyKey(on))));
		}
		finally {
			client.shutdown();
		}
	}

	private static ScenarioResult result(int size, String variant, long[] nanos, double serverMicros,
			Map<String, Long> memory, long entries) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("data_bytes", size);
		fields.put("history", variant.equals("on") ? KEEP : 0);
		fields.put("writes", nanos.length);
		fields.putAll(Percentiles.ofNanos(nanos).fields());
		fields.put("script_usec_per_call", Math.round(serverMicros * 100) / 100.0);
		fields.putAll(memory);
		fields.put("history_entries", entries);
		return new ScenarioResult("history/" + size + "B-" + variant, fields);
	}

	private static Map<String, Long> memory(RedisCommands<String, String> commands, String topic) {
		RedisTopicKeys keys = RedisTopicKeys.DEFAULT;
		Map<String, Long> memory = new LinkedHashMap<>();
		long snapshot = usage(commands, keys.revisionKey(topic)) + usage(commands, keys.snapshotKey(topic));
		long history = usage(commands, keys.historyKey(topic)) + usage(commands, keys.historySizeKey(topic));
		memory.put("memory_snapshot_bytes", snapshot);
		memory.put("memory_history_bytes", history);
		memory.put("memory_total_bytes", snapshot + history);
		return memory;
	}

	private static long usage(RedisCommands<String, String> commands, String key) {
		// SAMPLES 0: every element of a list, not an estimate from a few
		Long usage = (Long) commands.dispatch(CommandType.MEMORY, new IntegerOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("USAGE").addKey(key).add("SAMPLES").add(0));
		return (usage != null) ? usage : 0;
	}

	private static double scriptMicros(RedisCommands<String, String> commands) {
		for (String line : commands.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_evalsha:")) {
				for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
					if (field.startsWith("usec_per_call=")) {
						return Double.parseDouble(field.substring("usec_per_call=".length()));
					}
				}
			}
		}
		return 0;
	}

	private static Object document(int size, int sequence) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("sequence", sequence);
		data.put("pad", "x".repeat(Math.max(0, size - 30)));
		return data;
	}

}
