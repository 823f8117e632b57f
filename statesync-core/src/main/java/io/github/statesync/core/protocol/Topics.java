package io.github.statesync.core.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Topic names: any string that is not blank. Topics are compared exactly, never trimmed.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class Topics {

	private Topics() {
	}

	/**
	 * Return the topic if it is valid.
	 * @param topic the topic name
	 * @return the same topic
	 * @throws ProtocolException if the topic is missing or blank
	 */
	public static String requireValid(@Nullable String topic) {
		if (topic == null) {
			throw new ProtocolException("topic is missing");
		}
		if (topic.isBlank()) {
			throw new ProtocolException("topic must not be blank");
		}
		return topic;
	}

}
