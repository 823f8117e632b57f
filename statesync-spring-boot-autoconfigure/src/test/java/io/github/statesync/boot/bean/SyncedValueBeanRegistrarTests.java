package io.github.statesync.boot.bean;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class SyncedValueBeanRegistrarTests {

	@Test
	void findsConfiguredTopicsAndTheirTypesInPrecedenceOrder() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("low",
					Map.of("statesync.topics.pricing.type", "java.lang.Integer", "statesync.topics.flags.required",
							"false", "statesync.topics[eu:prices].type", "${price.type}", "price.type",
							"java.math.BigDecimal", "statesync.enabled", "true")));
		environment.getPropertySources()
			.addFirst(new MapPropertySource("high", Map.of("statesync.topics.pricing.type", " java.lang.String ",
					"statesync.topics.pricing.retry.max-attempts", "3")));
		Map<String, String> topics = SyncedValueBeanRegistrar.configuredTopics(environment);
		assertThat(topics).containsOnlyKeys("pricing", "flags", "eu:prices")
			.containsEntry("pricing", " java.lang.String ")
			.containsEntry("flags", null)
			.containsEntry("eu:prices", "java.math.BigDecimal");
	}

}
