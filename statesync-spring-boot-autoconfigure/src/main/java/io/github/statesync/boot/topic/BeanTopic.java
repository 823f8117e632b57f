package io.github.statesync.boot.topic;

import java.util.Set;

import io.github.statesync.boot.ApplyMode;

/**
 * A {@code @SyncedTopic} bean as declared: what the annotation says.
 *
 * @param topic the topic
 * @param beanName the bean's name
 * @param type the bean's type
 * @param mode the apply mode
 * @param pickKeys the only properties to sync, empty for all
 * @param omitKeys the properties never to sync
 * @param required whether start-up needs the first snapshot
 * @param schemaVersion the version of the topic's schema the bean's type has, 1 or more
 * @author statesync
 * @since 0.1.0
 */
public record BeanTopic(String topic, String beanName, Class<?> type, ApplyMode mode, Set<String> pickKeys,
		Set<String> omitKeys, boolean required, int schemaVersion) {

	/**
	 * Create a bean topic of schema version 1.
	 * @param topic the topic
	 * @param beanName the bean's name
	 * @param type the bean's type
	 * @param mode the apply mode
	 * @param pickKeys the only properties to sync, empty for all
	 * @param omitKeys the properties never to sync
	 * @param required whether start-up needs the first snapshot
	 */
	public BeanTopic(String topic, String beanName, Class<?> type, ApplyMode mode, Set<String> pickKeys,
			Set<String> omitKeys, boolean required) {
		this(topic, beanName, type, mode, pickKeys, omitKeys, required, 1);
	}

}
