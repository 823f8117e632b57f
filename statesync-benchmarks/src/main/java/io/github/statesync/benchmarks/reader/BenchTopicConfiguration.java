package io.github.statesync.benchmarks.reader;

import io.github.statesync.benchmarks.support.BenchState;
import io.github.statesync.boot.SyncedTopic;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The quickstart's way to sync a topic: a {@code @SyncedTopic} bean (apply mode
 * {@code PATCH}), required, so the reader starts only with the first snapshot.
 *
 * @author statesync
 */
@Configuration(proxyBeanMethods = false)
public class BenchTopicConfiguration {

	/** The topic the bean syncs. */
	public static final String TOPIC = "bench";

	@Bean
	@SyncedTopic(topic = TOPIC, required = true)
	BenchState benchState() {
		return new BenchState();
	}

}
