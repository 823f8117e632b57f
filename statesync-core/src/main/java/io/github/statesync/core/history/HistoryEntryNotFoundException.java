package io.github.statesync.core.history;

import java.util.Objects;

import io.github.statesync.core.protocol.Revision;

/**
 * A rollback named a revision the topic's history does not hold: it was never written, or
 * the history's bounds dropped it, or the topic keeps no history. Nothing was written.
 *
 * @author statesync
 * @since 0.1.0
 */
public class HistoryEntryNotFoundException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String topic;

	private final Revision revision;

	/**
	 * Create a new exception.
	 * @param topic the topic
	 * @param revision the revision asked for
	 * @param message what the history holds instead and which setting keeps more
	 */
	public HistoryEntryNotFoundException(String topic, Revision revision, String message) {
		super(message);
		this.topic = Objects.requireNonNull(topic, "topic must not be null");
		this.revision = Objects.requireNonNull(revision, "revision must not be null");
	}

	/**
	 * Return the topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the revision asked for.
	 * @return the revision
	 */
	public Revision getRevision() {
		return this.revision;
	}

}
