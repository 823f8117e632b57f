package io.github.statesync.boot.topic;

import java.util.Set;

import io.github.statesync.boot.ApplyMode;
import io.github.statesync.boot.SyncedTopic;

import org.springframework.core.annotation.MergedAnnotation;

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
 * @author statesync
 * @since 0.1.0
 */
public record BeanTopic(String topic, String beanName, Class<?> type, ApplyMode mode, Set<String> pickKeys,
		Set<String> omitKeys, boolean required) {

	static BeanTopic of(MergedAnnotation<SyncedTopic> annotation, String beanName, Class<?> type) {
		return new BeanTopic(topicName(annotation, beanName), beanName, type,
				annotation.getEnum("mode", ApplyMode.class), Set.of(annotation.getStringArray("pickKeys")),
				Set.of(annotation.getStringArray("omitKeys")), annotation.getBoolean("required"));
	}

	static String topicName(MergedAnnotation<SyncedTopic> annotation, String beanName) {
		String topic = annotation.getString("topic");
		return topic.isEmpty() ? beanName : topic;
	}

}
