package io.github.statesync.boot;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * Published after a snapshot of a topic was applied.
 *
 * @author statesync
 * @since 0.1.0
 */
public class StateSyncAppliedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String topic;

	private final Revision previousRevision;

	private final Revision revision;

	private final transient @Nullable Object previousValue;

	private final transient Object value;

	/**
	 * Create a new event.
	 * @param source the object publishing it
	 * @param topic the topic
	 * @param previousRevision the revision held before
	 * @param revision the revision applied
	 * @param previousValue the state held before ({@code null} if none)
	 * @param value the state applied
	 */
	public StateSyncAppliedEvent(Object source, String topic, Revision previousRevision, Revision revision,
			@Nullable Object previousValue, Object value) {
		super(source);
		this.topic = topic;
		this.previousRevision = previousRevision;
		this.revision = revision;
		this.previousValue = previousValue;
		this.value = value;
	}

	/**
	 * Return the topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the revision held before this apply.
	 * @return the previous revision
	 */
	public Revision getPreviousRevision() {
		return this.previousRevision;
	}

	/**
	 * Return the revision applied.
	 * @return the new revision
	 */
	public Revision getRevision() {
		return this.revision;
	}

	/**
	 * Return the state held before this apply.
	 * @return the previous state, {@code null} if there was none
	 */
	public @Nullable Object getPreviousValue() {
		return this.previousValue;
	}

	/**
	 * Return the state applied.
	 * @return the new state
	 */
	public Object getValue() {
		return this.value;
	}

}
