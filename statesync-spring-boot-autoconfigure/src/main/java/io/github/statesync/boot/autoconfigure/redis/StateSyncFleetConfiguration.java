package io.github.statesync.boot.autoconfigure.redis;

import java.time.Clock;
import java.time.Duration;

import io.github.statesync.boot.autoconfigure.InvalidStateSyncConfigurationException;
import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.boot.transport.RedisFleetReporterLifecycle;
import io.github.statesync.boot.transport.RedisStateSyncTransport;
import io.github.statesync.core.engine.SyncScheduler;
import io.github.statesync.redis.RedisFleetReporter;
import io.github.statesync.redis.RedisFleetView;
import io.github.statesync.redis.RedisTopicKeys;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The fleet view, when {@code statesync.fleet.enabled} is {@code true}: a
 * {@link RedisFleetReporter} (a {@code SyncListener} of every topic) reports this node's
 * revisions from the start of the topics to their stop, and a {@link RedisFleetView}
 * reads the fleet's.
 *
 * @author statesync
 * @since 0.2.0
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "statesync.fleet.enabled")
class StateSyncFleetConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisFleetReporter redisFleetReporter(RedisConnectionFactory connectionFactory, StateSyncProperties properties,
			ObjectProvider<RedisStateSyncTransport> transport, ObjectProvider<SyncScheduler> scheduler,
			Environment environment) {
		StateSyncProperties.Fleet fleet = properties.getFleet();
		Duration interval = fleet.getReportInterval();
		if (interval.isNegative() || interval.isZero()) {
			throw new InvalidStateSyncConfigurationException("statesync.fleet.report-interval", interval,
					"must be positive");
		}
		if (fleet.getTtl().compareTo(interval) <= 0) {
			throw new InvalidStateSyncConfigurationException("statesync.fleet.ttl", fleet.getTtl(),
					"must be longer than statesync.fleet.report-interval (" + interval
							+ "), or every node would vanish from the fleet view between two reports");
		}
		RedisStateSyncTransport redis = transport.getIfAvailable();
		String nodeId = (redis != null && redis.nodeId() != null) ? redis.nodeId()
				: properties.determineNodeId(environment);
		return new RedisFleetReporter(reactive(connectionFactory), keys(properties), nodeId,
				scheduler.getIfAvailable(SyncScheduler::shared), interval, fleet.getTtl(), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	RedisFleetReporterLifecycle redisFleetReporterLifecycle(RedisFleetReporter reporter) {
		return new RedisFleetReporterLifecycle(reporter);
	}

	@Bean
	@ConditionalOnMissingBean
	RedisFleetView redisFleetView(RedisConnectionFactory connectionFactory, StateSyncProperties properties) {
		return new RedisFleetView(reactive(connectionFactory), keys(properties), properties.getFleet().getReadTimeout(),
				properties.getFleet().getMaxViewEntries());
	}

	private static RedisTopicKeys keys(StateSyncProperties properties) {
		try {
			return new RedisTopicKeys(properties.getRedis().getKeyPrefix());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidStateSyncConfigurationException("statesync.redis.key-prefix",
					properties.getRedis().getKeyPrefix(), "must not contain '{' or '}'");
		}
	}

	private static ReactiveRedisConnectionFactory reactive(RedisConnectionFactory connectionFactory) {
		if (connectionFactory instanceof ReactiveRedisConnectionFactory reactive) {
			return reactive;
		}
		throw new IllegalStateException("statesync.fleet.enabled needs a reactive-capable Redis connection factory"
				+ " (Lettuce), got " + connectionFactory.getClass().getName());
	}

}
