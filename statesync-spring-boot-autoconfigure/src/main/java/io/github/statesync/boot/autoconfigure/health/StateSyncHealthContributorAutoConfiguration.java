package io.github.statesync.boot.autoconfigure.health;

import io.github.statesync.boot.actuate.StateSyncHealthIndicator;
import io.github.statesync.boot.autoconfigure.StateSyncAutoConfiguration;
import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@code statesync} health contributor, when Spring Boot's
 * health support is on the classpath and {@code management.health.statesync.enabled} is
 * not {@code false}.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(after = StateSyncAutoConfiguration.class)
@ConditionalOnClass(name = { "org.springframework.boot.health.contributor.HealthIndicator",
		"org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator" })
@ConditionalOnBean(SyncedTopicRegistry.class)
public final class StateSyncHealthContributorAutoConfiguration {

	// spring-boot-health is optional, and @ConditionalOnEnabledHealthIndicator is one of
	// its types. A condition annotation whose type is missing cannot be read, so it must
	// not sit on a class that is examined without the module: it goes on this nested
	// class, which is examined only after the @ConditionalOnClass above found it.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("statesync")
	static class EnabledHealthConfiguration {

		// the bean name makes the contributor's name: 'statesync'
		@Bean
		@ConditionalOnMissingBean(name = "statesyncHealthIndicator")
		StateSyncHealthIndicator statesyncHealthIndicator(SyncedTopicRegistry registry, StateSyncTransport transport,
				TopicStatistics statistics) {
			return new StateSyncHealthIndicator(registry, transport, statistics);
		}

	}

}
