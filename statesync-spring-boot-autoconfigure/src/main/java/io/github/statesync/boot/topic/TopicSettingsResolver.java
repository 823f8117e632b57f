package io.github.statesync.boot.topic;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Resolves the settings of each topic.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface TopicSettingsResolver {

	/**
	 * Return the topics configured without a bean: in properties, or in bulk by
	 * {@link io.github.statesync.boot.StateSyncTopicGroup StateSyncTopicGroup} beans.
	 * @return the topic names
	 */
	Set<String> configuredTopics();

	/**
	 * Resolve a topic's settings.
	 * @param topic the topic
	 * @param bean the bean that declared it, or {@code null}
	 * @return the settings
	 * @throws RuntimeException if the configuration is invalid
	 */
	TopicSettings resolve(String topic, @Nullable BeanTopic bean);

	/**
	 * Check the whole set of topics this node is about to follow, before any starts.
	 * @param topics every topic, declared by beans or configured
	 * @throws RuntimeException if the node may not follow them all
	 */
	default void validateTopics(Set<String> topics) {
	}

}
