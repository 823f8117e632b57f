package io.github.statesync.boot.bean;

import java.util.Set;

import io.github.statesync.boot.ApplyMode;
import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.topic.BeanTopic;

import org.springframework.core.annotation.MergedAnnotation;

/**
 * Reads {@link SyncedTopic @SyncedTopic}, the same way for the bean post-processor and
 * the {@code SyncedValue} registrar.
 *
 * @author statesync
 */
final class SyncedTopicAnnotations {

	private SyncedTopicAnnotations() {
	}

	static BeanTopic beanTopic(MergedAnnotation<SyncedTopic> annotation, String beanName, Class<?> type) {
		return new BeanTopic(topicName(annotation, beanName), beanName, type,
				annotation.getEnum("mode", ApplyMode.class), Set.of(annotation.getStringArray("pickKeys")),
				Set.of(annotation.getStringArray("omitKeys")), annotation.getBoolean("required"),
				annotation.getInt("schemaVersion"));
	}

	static String topicName(MergedAnnotation<SyncedTopic> annotation, String beanName) {
		String topic = annotation.getString("topic");
		return topic.isEmpty() ? beanName : topic;
	}

}
