package io.github.statesync.benchmarks.support;

import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The Redis server the benchmarks run against ({@code run.sh} starts one of its own on a
 * free port), with the few administrative commands they need.
 *
 * @param host the host
 * @param port the port
 * @author statesync
 */
public record RedisTarget(String host, int port) {

	/**
	 * Return the server's URI.
	 * @return the URI
	 */
	public RedisURI uri() {
		return RedisURI.create(this.host, this.port);
	}

	/**
	 * Return the server's version.
	 * @return the {@code redis_version} of {@code INFO server}
	 */
	public String serverVersion() {
		return admin((redis) -> redis.info("server")
			.lines()
			.filter((line) -> line.startsWith("redis_version:"))
			.map((line) -> line.substring("redis_version:".length()).trim())
			.findFirst()
			.orElse("unknown"));
	}

	/**
	 * Return how many clients are connected, not counting the one asking.
	 * @return the number of lines of {@code CLIENT LIST} less one
	 */
	public int clientCount() {
		return admin((redis) -> (int) redis.clientList().lines().filter((line) -> !line.isBlank()).count() - 1);
	}

	/**
	 * Remove every key, so a run starts from an empty server.
	 */
	public void flushAll() {
		admin(RedisCommands::flushall);
	}

	private <R> R admin(Function<RedisCommands<String, String>, R> command) {
		RedisClient client = RedisClient.create(uri());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return command.apply(connection.sync());
		}
		finally {
			client.shutdown();
		}
	}

}
