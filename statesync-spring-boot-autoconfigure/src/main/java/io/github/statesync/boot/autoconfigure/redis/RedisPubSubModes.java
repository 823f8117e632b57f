package io.github.statesync.boot.autoconfigure.redis;

import java.util.List;

import io.github.statesync.boot.autoconfigure.InvalidStateSyncConfigurationException;
import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.redis.RedisPubSubMode;
import io.github.statesync.redis.RedisTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Turns {@code statesync.redis.pubsub} into the mode the transport runs: {@code auto} is
 * sharded on a Redis Cluster (through Lettuce) whose masters all run Redis 7+, classic
 * otherwise.
 *
 * @author statesync
 */
final class RedisPubSubModes {

	private static final Logger logger = LoggerFactory.getLogger(RedisPubSubModes.class);

	private static final String PROPERTY = "statesync.redis.pubsub";

	private RedisPubSubModes() {
	}

	static RedisPubSubMode resolve(StateSyncProperties.Redis.PubSub setting, RedisConnectionFactory connectionFactory) {
		boolean cluster = RedisTopology.isLettuceCluster(connectionFactory);
		return switch (setting) {
			case CLASSIC -> RedisPubSubMode.CLASSIC;
			case SHARDED -> {
				if (!cluster) {
					throw new InvalidStateSyncConfigurationException(PROPERTY, "sharded",
							"sharded pub/sub needs Redis Cluster 7+ through Lettuce "
									+ "(spring.data.redis.cluster.nodes); this application connects to a single "
									+ "Redis or through Sentinel: use 'classic' or 'auto'");
				}
				yield RedisPubSubMode.SHARDED;
			}
			case AUTO -> (cluster) ? auto(connectionFactory) : RedisPubSubMode.CLASSIC;
		};
	}

	private static RedisPubSubMode auto(RedisConnectionFactory connectionFactory) {
		List<String> older = RedisTopology.mastersWithoutShardedPubSub(connectionFactory);
		if (older == null) {
			// every node of a fleet must pick the same mode: one that could not ask
			// picks what a Redis 7+ cluster gets, and Redis 6 would refuse it loudly
			logger.warn("Could not read the Redis version of the cluster's masters: statesync uses sharded pub/sub "
					+ "(Redis 7+); set {}=classic for an older cluster", PROPERTY);
			return RedisPubSubMode.SHARDED;
		}
		if (!older.isEmpty()) {
			logger.info("Redis Cluster masters {} run Redis before 7: statesync uses classic pub/sub", older);
			return RedisPubSubMode.CLASSIC;
		}
		return RedisPubSubMode.SHARDED;
	}

}
