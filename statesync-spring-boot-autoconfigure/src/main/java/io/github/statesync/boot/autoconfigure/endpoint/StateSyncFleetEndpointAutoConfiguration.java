package io.github.statesync.boot.autoconfigure.endpoint;

import io.github.statesync.boot.actuate.StateSyncFleetEndpoint;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.redis.RedisFleetView;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code statesyncfleet} Actuator endpoint, when Actuator is on
 * the classpath, the fleet view is enabled ({@code statesync.fleet.enabled}) and the
 * endpoint is enabled and exposed.
 *
 * @author statesync
 * @since 0.2.0
 */
@AutoConfiguration(after = StateSyncRedisAutoConfiguration.class)
@ConditionalOnClass(name = { "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
		"org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint",
		"io.github.statesync.redis.RedisFleetView" })
@ConditionalOnBean(type = "io.github.statesync.redis.RedisFleetView")
public final class StateSyncFleetEndpointAutoConfiguration {

	// as in StateSyncEndpointAutoConfiguration: Actuator's condition sits on a nested
	// class, examined only once Actuator was found
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(StateSyncFleetEndpoint.class)
	static class AvailableEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		StateSyncFleetEndpoint stateSyncFleetEndpoint(RedisFleetView view) {
			return new StateSyncFleetEndpoint(view);
		}

	}

}
