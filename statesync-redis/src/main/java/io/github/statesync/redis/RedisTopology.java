package io.github.statesync.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisClusterNode;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What a connection factory connects to, as far as statesync's choices depend on it:
 * whether it is a Redis Cluster, and whether every master of that cluster can do sharded
 * pub/sub (Redis 7+).
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisTopology {

	private RedisTopology() {
	}

	/**
	 * Return whether the factory is a Lettuce connection factory in Redis Cluster mode
	 * (Spring Boot's {@code spring.data.redis.cluster.*}), whose cluster client sharded
	 * pub/sub and replica reads use.
	 * @param connectionFactory the connection factory
	 * @return {@code true} for a Lettuce cluster factory
	 */
	public static boolean isLettuceCluster(RedisConnectionFactory connectionFactory) {
		return connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
	}

	/**
	 * Ask every master of the cluster for its version ({@code INFO server}).
	 * @param connectionFactory a cluster connection factory
	 * @return the masters that run a Redis older than 7 (empty when all can do sharded
	 * pub/sub), or {@code null} if the cluster could not be asked
	 */
	public static @Nullable List<String> mastersWithoutShardedPubSub(RedisConnectionFactory connectionFactory) {
		try (RedisClusterConnection connection = connectionFactory.getClusterConnection()) {
			List<String> older = new ArrayList<>();
			for (RedisClusterNode node : connection.clusterGetNodes()) {
				if (!node.isMaster()) {
					continue;
				}
				Properties info = connection.serverCommands().info(node, "server");
				String version = (info != null) ? info.getProperty("redis_version", "") : "";
				if (major(version) < 7) {
					older.add(node.getHost() + ":" + node.getPort() + " (Redis " + version + ")");
				}
			}
			return older;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static int major(String version) {
		int dot = version.indexOf('.');
		try {
			return Integer.parseInt((dot < 0) ? version : version.substring(0, dot));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * Return the connection settings Spring Data Redis gives the initial URIs of its
	 * cluster client (credentials, TLS, client name, timeout), for connections statesync
	 * opens to cluster nodes itself: the URIs in Lettuce's topology carry no credentials
	 * (Lettuce's own node connections take them from the initial URIs).
	 * @param connectionFactory a Lettuce cluster factory
	 * @return a URI with the settings, of no particular host
	 */
	static RedisURI nodeSettings(RedisConnectionFactory connectionFactory) {
		LettuceConnectionFactory lettuce = (LettuceConnectionFactory) connectionFactory;
		LettuceClientConfiguration client = lettuce.getClientConfiguration();
		RedisClusterConfiguration cluster = lettuce.getClusterConfiguration();
		RedisURI.Builder builder = RedisURI.builder().withHost("localhost").withTimeout(client.getCommandTimeout());
		client.getClientName().ifPresent(builder::withClientName);
		if (client.isUseSsl()) {
			builder.withSsl(true).withVerifyPeer(client.getVerifyMode()).withStartTls(client.isStartTls());
		}
		if (client.getRedisCredentialsProviderFactory().isPresent() && cluster != null) {
			builder.withAuthentication(
					client.getRedisCredentialsProviderFactory().get().createCredentialsProvider(cluster));
		}
		else if (cluster != null && cluster.getPassword().isPresent()) {
			if (cluster.getUsername() != null) {
				builder.withAuthentication(cluster.getUsername(), cluster.getPassword().get());
			}
			else {
				builder.withPassword(cluster.getPassword().get());
			}
		}
		return builder.build();
	}

	static RedisClusterClient clusterClient(RedisConnectionFactory connectionFactory) {
		if (connectionFactory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware()
				&& lettuce.getRequiredNativeClient() instanceof RedisClusterClient client) {
			return client;
		}
		throw new IllegalArgumentException("sharded pub/sub and replica reads need a Lettuce connection factory in "
				+ "Redis Cluster mode (spring.data.redis.cluster.nodes)");
	}

}
