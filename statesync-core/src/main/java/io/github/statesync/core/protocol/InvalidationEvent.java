package io.github.statesync.core.protocol;

import org.jspecify.annotations.Nullable;

/**
 * "Your snapshot of this topic may be stale": the tiny message broadcast when a topic's
 * truth changes. On the wire:
 * {@code {"topic":"settings","revision":"42","sourceId":"node-a","timestampMs":1764000000000}},
 * with {@code sourceId} and {@code timestampMs} optional and unknown fields ignored.
 * <p>
 * A writer may also inline a small snapshot's data as an optional {@code data} member (an
 * extension of this library; clients of the protocol that do not know it ignore it): a
 * receiver then applies the event's revision and data without fetching, still through the
 * revision gate, and fetches as usual when the member is absent.
 *
 * @param topic the topic that changed, never blank
 * @param revision the revision the topic now has
 * @param sourceId the node that made the change, if known
 * @param timestampMs when the change was made, in milliseconds since the epoch on the
 * writer's clock, if known
 * @param data the snapshot data carried inline, in the representation of the codec that
 * decoded the event (a {@code JsonNode} for Jackson), or {@code null}
 * @author statesync
 * @since 0.1.0
 */
public record InvalidationEvent(String topic, Revision revision, @Nullable String sourceId, @Nullable Long timestampMs,
		@Nullable Object data) {

	/**
	 * Create an event, validating it.
	 * @throws ProtocolException if the topic is blank or the revision is missing
	 */
	public InvalidationEvent {
		Topics.requireValid(topic);
		if (revision == null) {
			throw new ProtocolException("invalidation event for topic '" + topic + "' has no revision");
		}
	}

	/**
	 * Create an event without inline data.
	 * @param topic the topic that changed
	 * @param revision the revision the topic now has
	 * @param sourceId the node that made the change, or {@code null}
	 * @param timestampMs when the change was made, or {@code null}
	 * @throws ProtocolException if the topic is blank or the revision is missing
	 */
	public InvalidationEvent(String topic, Revision revision, @Nullable String sourceId, @Nullable Long timestampMs) {
		this(topic, revision, sourceId, timestampMs, null);
	}

	/**
	 * Create an event with no source or timestamp.
	 * @param topic the topic
	 * @param revision the new revision
	 * @return the event
	 */
	public static InvalidationEvent of(String topic, Revision revision) {
		return new InvalidationEvent(topic, revision, null, null);
	}

	/**
	 * Create an event from its wire fields, validating each.
	 * @param topic the topic
	 * @param revision the revision's canonical string
	 * @param sourceId the source node, may be {@code null}
	 * @param timestampMs the timestamp, may be {@code null}
	 * @return the event
	 * @throws ProtocolException if any field breaks the protocol
	 */
	public static InvalidationEvent parse(@Nullable String topic, @Nullable String revision, @Nullable String sourceId,
			@Nullable Long timestampMs) {
		return parse(topic, revision, sourceId, timestampMs, null);
	}

	/**
	 * Create an event from its wire fields, validating each.
	 * @param topic the topic
	 * @param revision the revision's canonical string
	 * @param sourceId the source node, may be {@code null}
	 * @param timestampMs the timestamp, may be {@code null}
	 * @param data the inline snapshot data, may be {@code null}
	 * @return the event
	 * @throws ProtocolException if any field breaks the protocol
	 */
	public static InvalidationEvent parse(@Nullable String topic, @Nullable String revision, @Nullable String sourceId,
			@Nullable Long timestampMs, @Nullable Object data) {
		String validTopic = Topics.requireValid(topic);
		Revision parsed;
		try {
			parsed = Revision.parse(revision);
		}
		catch (ProtocolException ex) {
			throw new ProtocolException("invalidation event for topic '" + validTopic + "': " + ex.getMessage());
		}
		return new InvalidationEvent(validTopic, parsed, sourceId, timestampMs, data);
	}

}
