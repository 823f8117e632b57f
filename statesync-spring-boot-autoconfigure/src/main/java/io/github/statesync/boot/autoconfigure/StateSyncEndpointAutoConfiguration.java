package io.github.statesync.boot.autoconfigure;

import io.github.statesync.boot.actuate.StateSyncEndpoint;
import io.github.statesync.boot.actuate.StateSyncHealthIndicator;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.topic.SyncedTopicRegistry;
import io.github.statesync.boot.topic.TopicStatistics;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of the {@code statesync} Actuator endpoint and health contributor.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(after = StateSyncAutoConfiguration.class)
@ConditionalOnBean(SyncedTopicRegistry.class)
@Import({ StateSyncEndpointAutoConfiguration.EndpointConfiguration.class,
		StateSyncEndpointAutoConfiguration.HealthConfiguration.class })
public final class StateSyncEndpointAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
	@ConditionalOnAvailableEndpoint(StateSyncEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		StateSyncEndpoint stateSyncEndpoint(SyncedTopicRegistry registry, TopicStatistics statistics,
				StateSyncTransport transport) {
			return new StateSyncEndpoint(registry, statistics, transport);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("statesync")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "stateSyncHealthIndicator")
		StateSyncHealthIndicator stateSyncHealthIndicator(SyncedTopicRegistry registry, StateSyncTransport transport) {
			return new StateSyncHealthIndicator(registry, transport);
		}

	}

}
