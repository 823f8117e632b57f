package io.github.statesync.boot;

import io.github.statesync.core.engine.SyncStatus;
import io.github.statesync.core.engine.TopicStatus;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the {@link TopicStatus} of a topic changes (for example from
 * {@link TopicStatus#CURRENT} to {@link TopicStatus#STALE} and back), once per change, in
 * order, on a statesync thread. Listeners must be quick: a slow one delays that topic's
 * next changes.
 *
 * @author statesync
 * @since 0.1.0
 */
public class StateSyncStatusChangedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String topic;

	private final SyncStatus previous;

	private final SyncStatus status;

	/**
	 * Create a new event.
	 * @param source the object publishing it
	 * @param topic the topic
	 * @param previous the status before
	 * @param status the status now
	 */
	public StateSyncStatusChangedEvent(Object source, String topic, SyncStatus previous, SyncStatus status) {
		super(source);
		this.topic = topic;
		this.previous = previous;
		this.status = status;
	}

	/**
	 * Return the topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the status before this change.
	 * @return the previous status
	 */
	public SyncStatus getPrevious() {
		return this.previous;
	}

	/**
	 * Return the status now, with when it was entered and why.
	 * @return the status
	 */
	public SyncStatus getStatus() {
		return this.status;
	}

}
