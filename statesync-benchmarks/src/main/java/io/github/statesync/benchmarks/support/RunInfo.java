package io.github.statesync.benchmarks.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every result line says about the run it came from.
 *
 * @param mode quick or full
 * @param batch the id shared by the runs of one {@code run.sh} invocation
 * @param run the run's number within the batch, from 1
 * @param jvm the JVM's vendor and version
 * @param redisVersion the benchmark Redis server's version
 * @author statesync
 */
public record RunInfo(RunMode mode, String batch, int run, String jvm, String redisVersion) {

	/**
	 * Describe this JVM's run against a Redis server.
	 * @param mode quick or full
	 * @param batch the batch id
	 * @param run the run's number
	 * @param redis the Redis server
	 * @return the run info
	 */
	public static RunInfo of(RunMode mode, String batch, int run, RedisTarget redis) {
		String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
		return new RunInfo(mode, batch, run, jvm, redis.serverVersion());
	}

	/**
	 * Return the fields every result line carries, with the load average read now.
	 * @return the fields
	 */
	public Map<String, Object> fields() {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("mode", this.mode.label());
		fields.put("batch", this.batch);
		fields.put("run", this.run);
		fields.put("jvm", this.jvm);
		fields.put("redis_version", this.redisVersion);
		fields.put("load_avg", loadAverage());
		fields.put("timestamp", Instant.now().toString());
		return fields;
	}

	private static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return parts[0] + " " + parts[1] + " " + parts[2];
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

}
