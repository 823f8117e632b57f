package io.github.statesync.benchmarks.scale;

import java.util.stream.IntStream;

import io.github.statesync.boot.StateSyncTopicGroup;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Declares the scale reader's topics in bulk, as one {@link StateSyncTopicGroup} bean
 * (required, JSON trees): {@code scale.group-topics} topics named {@code scale-0},
 * {@code scale-1}, ..., with no property and no bean definition per topic.
 *
 * @author statesync
 */
@Configuration(proxyBeanMethods = false)
public class ScaleGroupConfiguration {

	/** How many topics the group declares. */
	static final String COUNT = "scale.group-topics";

	@Bean
	StateSyncTopicGroup<JsonNode> scaleTopics(Environment environment) {
		int count = environment.getRequiredProperty(COUNT, Integer.class);
		return StateSyncTopicGroup.builder("scale")
			.topics(IntStream.range(0, count).mapToObj((i) -> ScaleScenario.PREFIX + i).toList())
			.required(true)
			.build();
	}

}
