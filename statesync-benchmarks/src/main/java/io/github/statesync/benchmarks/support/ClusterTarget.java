package io.github.statesync.benchmarks.support;

import java.util.Arrays;
import java.util.Map;

import io.github.statesync.redis.RedisPubSubMode;
import io.lettuce.core.resource.ClientResources;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Redis Cluster the cluster scenarios run against, and how statesync announces writes
 * on it.
 *
 * @param nodes the seed nodes, {@code host:port} separated by commas, as
 * {@code spring.data.redis.cluster.nodes} takes them
 * @param mode {@code SPUBLISH}/{@code SSUBSCRIBE} or {@code PUBLISH}/{@code SUBSCRIBE}
 * @author statesync
 */
public record ClusterTarget(String nodes, RedisPubSubMode mode) {

	/**
	 * Return the label of results on this cluster.
	 * @return {@code cluster-sharded} or {@code cluster-classic}
	 */
	public String label() {
		return "cluster-" + this.mode.name().toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * Return the properties that point a reader application at this cluster.
	 * @return the properties
	 */
	public Map<String, Object> readerProperties() {
		return Map.of("spring.data.redis.cluster.nodes", this.nodes, "statesync.redis.pubsub",
				this.mode.name().toLowerCase(java.util.Locale.ROOT));
	}

	/**
	 * Create a started connection factory on the cluster.
	 * @param resources the client resources to use
	 * @return the connection factory
	 */
	public LettuceConnectionFactory connectionFactory(ClientResources resources) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisClusterConfiguration(Arrays.asList(this.nodes.split(","))),
				LettuceClientConfiguration.builder().clientResources(resources).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
