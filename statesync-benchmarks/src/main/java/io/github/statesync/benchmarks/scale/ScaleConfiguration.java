package io.github.statesync.benchmarks.scale;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Adds the {@link StartMarker} to a scale reader.
 *
 * @author statesync
 */
@Configuration(proxyBeanMethods = false)
public class ScaleConfiguration {

	@Bean
	StartMarker startMarker() {
		return new StartMarker();
	}

}
