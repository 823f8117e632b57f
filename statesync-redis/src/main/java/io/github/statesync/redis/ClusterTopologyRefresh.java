package io.github.statesync.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Refreshes the topology of a Lettuce cluster client after a command failed to reach
 * Redis, at most once a second: with Spring Boot's defaults Lettuce refreshes it neither
 * periodically nor adaptively, so a write to the slots of a master that died would fail
 * until something else did. Does nothing for other clients.
 *
 * @author statesync
 */
final class ClusterTopologyRefresh {

	private static final Logger logger = LoggerFactory.getLogger(ClusterTopologyRefresh.class);

	private static final long MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final @Nullable LettuceConnectionFactory connectionFactory;

	private final AtomicLong last = new AtomicLong(System.nanoTime() - MIN_INTERVAL_NANOS);

	ClusterTopologyRefresh(@Nullable Object connectionFactory) {
		this.connectionFactory = (connectionFactory instanceof LettuceConnectionFactory lettuce
				&& lettuce.isClusterAware()) ? lettuce : null;
	}

	/**
	 * Refresh the topology in the background, unless it was refreshed within the last
	 * second.
	 */
	void afterFailure() {
		LettuceConnectionFactory factory = this.connectionFactory;
		if (factory == null) {
			return;
		}
		long now = System.nanoTime();
		long previous = this.last.get();
		if (now - previous < MIN_INTERVAL_NANOS || !this.last.compareAndSet(previous, now)) {
			return;
		}
		try {
			AbstractRedisClient client = factory.getNativeClient();
			if (client instanceof RedisClusterClient cluster) {
				cluster.refreshPartitionsAsync().whenComplete((ignored, failure) -> {
					if (failure != null) {
						logger.debug("Could not refresh the cluster topology: {}", failure.toString());
					}
				});
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not refresh the cluster topology: {}", ex.toString());
		}
	}

}
