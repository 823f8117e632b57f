package io.github.statesync.boot.topic;

import java.util.List;

/**
 * Required topics could not load their first snapshot, so the application must not start.
 *
 * @author statesync
 * @since 0.1.0
 */
public class StateSyncStartupException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final List<String> topics;

	/**
	 * Create a new exception.
	 * @param topics the required topics without a snapshot
	 * @param message the details, one topic per line
	 */
	public StateSyncStartupException(List<String> topics, String message) {
		super(message);
		this.topics = List.copyOf(topics);
	}

	/**
	 * Return the required topics that have no snapshot.
	 * @return the topics
	 */
	public List<String> getTopics() {
		return this.topics;
	}

}
