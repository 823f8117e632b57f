package io.github.statesync.boot.autoconfigure.metrics;

import java.time.Clock;

import io.github.statesync.boot.autoconfigure.InvalidStateSyncConfigurationException;
import io.github.statesync.boot.autoconfigure.StateSyncAutoConfiguration;
import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.boot.metrics.StateSyncMetrics;
import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.transport.RedisStateSyncTransport;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code statesync.*} Micrometer meters, when a
 * {@link MeterRegistry} exists and {@code statesync.metrics.enabled} is not
 * {@code false}.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(after = StateSyncAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, SyncedTopicRegistry.class, TopicStatistics.class })
@ConditionalOnBooleanProperty(name = "statesync.metrics.enabled", matchIfMissing = true)
public final class StateSyncMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StateSyncMetrics stateSyncMetrics(SyncedTopicRegistry registry, TopicStatistics statistics,
			StateSyncProperties properties, ObjectProvider<StateSyncTransport> transport) {
		StateSyncProperties.Metrics metrics = properties.getMetrics();
		if (metrics.getMaxTaggedTopics() < 1) {
			throw new InvalidStateSyncConfigurationException("statesync.metrics.max-tagged-topics",
					metrics.getMaxTaggedTopics(), "must be at least 1; set statesync.metrics.topic-tag=false instead");
		}
		StateSyncMetrics binder = new StateSyncMetrics(registry, statistics, Clock.systemUTC(), metrics.isTopicTag(),
				metrics.getMaxTaggedTopics());
		if (transport.getIfAvailable() instanceof RedisStateSyncTransport redis) {
			binder.withPubSubLivenessFailures(redis::pubSubLivenessFailures);
		}
		return binder;
	}

}
