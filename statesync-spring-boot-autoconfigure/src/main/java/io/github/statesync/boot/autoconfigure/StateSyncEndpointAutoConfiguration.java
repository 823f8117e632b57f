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
	@ConditionalOnClass(name = { "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
			"org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint" })
	static class EndpointConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnAvailableEndpoint(StateSyncEndpoint.class)
		static class AvailableEndpointConfiguration {

			@Bean
			@ConditionalOnMissingBean
			StateSyncEndpoint stateSyncEndpoint(SyncedTopicRegistry registry, TopicStatistics statistics,
					StateSyncTransport transport) {
				return new StateSyncEndpoint(registry, statistics, transport);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.boot.health.contributor.HealthIndicator",
			"org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator" })
	static class HealthConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnEnabledHealthIndicator("statesync")
		static class EnabledHealthConfiguration {

			// the bean name makes the contributor's name: 'statesync'
			@Bean
			@ConditionalOnMissingBean(name = "statesyncHealthIndicator")
			StateSyncHealthIndicator statesyncHealthIndicator(SyncedTopicRegistry registry,
					StateSyncTransport transport, TopicStatistics statistics) {
				return new StateSyncHealthIndicator(registry, transport, statistics);
			}

		}

	}

}
