package io.github.statesync.boot.autoconfigure.endpoint;

import java.util.function.Function;

import io.github.statesync.boot.actuate.StateSyncEndpoint;
import io.github.statesync.boot.actuate.StateSyncEndpointWebExtension;
import io.github.statesync.boot.autoconfigure.StateSyncAutoConfiguration;
import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.boot.autoconfigure.StateSyncProperties.HistoryEndpoint;
import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.PublisherStateHistory;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.StateHistory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.Show;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code statesync} Actuator endpoint, when Actuator is on the
 * classpath and the endpoint is enabled and exposed.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(after = StateSyncAutoConfiguration.class)
@ConditionalOnClass(name = { "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
		"org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint" })
@ConditionalOnBean(SyncedTopicRegistry.class)
public final class StateSyncEndpointAutoConfiguration {

	// Actuator is optional, and @ConditionalOnAvailableEndpoint is one of its types. A
	// condition annotation whose type is missing cannot be read, so it must not sit on
	// a class that is examined without Actuator: it goes on this nested class, which
	// is examined only after the @ConditionalOnClass above found Actuator.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(StateSyncEndpoint.class)
	static class AvailableEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		StateSyncEndpoint stateSyncEndpoint(SyncedTopicRegistry registry, TopicStatistics statistics,
				StateSyncTransport transport) {
			return new StateSyncEndpoint(registry, statistics, transport);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(endpoint = StateSyncEndpoint.class, exposure = EndpointExposure.WEB)
		StateSyncEndpointWebExtension stateSyncEndpointWebExtension(StateSyncEndpoint endpoint,
				ObjectProvider<StateHistory> history, ObjectProvider<JsonMapper> jsonMapper,
				StateSyncProperties properties) {
			StateHistory topics = history.getIfUnique();
			HistoryEndpoint settings = properties.getHistoryEndpoint();
			Function<String, HistoryRetention> retention = (topic) -> (topics instanceof PublisherStateHistory own)
					? own.retention(topic) : HistoryRetention.NONE;
			return new StateSyncEndpointWebExtension(endpoint, topics, jsonMapper.getIfAvailable(JsonMapper::new),
					retention, Show.valueOf(settings.getShowData().name()), settings.getRoles(),
					settings.isRollbackEnabled());
		}

	}

}
