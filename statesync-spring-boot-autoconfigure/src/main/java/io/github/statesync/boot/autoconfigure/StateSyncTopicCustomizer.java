package io.github.statesync.boot.autoconfigure;

import io.github.statesync.core.engine.SyncOptions;

/**
 * Tunes a topic's engine options in code. Customizers run after the properties were
 * applied, in their {@link org.springframework.core.Ordered order}, so code has the last
 * word.
 *
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface StateSyncTopicCustomizer {

	/**
	 * Customize a topic.
	 * @param topic the topic
	 * @param options the options resolved so far
	 * @return the options to use
	 */
	SyncOptions customize(String topic, SyncOptions options);

}
