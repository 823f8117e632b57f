package io.github.statesync.boot.validate;

import java.util.Objects;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A publish about to happen, as a {@link PublishValidator} sees it: the topic, its
 * current state and revision, and the proposed state.
 * <p>
 * When this node follows the topic, both states are of the topic's type: the proposed
 * state exactly as readers will bind it (merged into the current state for {@code PATCH},
 * picked and omitted keys applied), and the current state is the one this node holds.
 * When it does not follow the topic, or holds nothing yet, the current snapshot is read
 * from the transport's store, and states the node has no type for are
 * {@link tools.jackson.databind.JsonNode JSON trees}; {@link #current(Class)} and
 * {@link #proposed(Class)} convert to a type of the validator's choosing either way. For
 * {@link io.github.statesync.core.publish.StatePublisher#publishIfCurrent
 * publishIfCurrent} the current state is always the expected revision's.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class PublishProposal {

	private final String topic;

	private final Revision currentRevision;

	private final @Nullable Object current;

	private final Object proposed;

	private final JsonMapper mapper;

	/**
	 * Create a proposal. The publisher creates them; the constructor is public so that a
	 * validator can be tested on its own.
	 * @param topic the topic published to
	 * @param currentRevision the topic's current revision, {@code 0} if never written
	 * @param current the current state, {@code null} if the topic has never been written
	 * @param proposed the proposed state
	 * @param mapper converts the states to the type a validator asks for
	 */
	public PublishProposal(String topic, Revision currentRevision, @Nullable Object current, Object proposed,
			JsonMapper mapper) {
		this.topic = Objects.requireNonNull(topic, "topic must not be null");
		this.currentRevision = Objects.requireNonNull(currentRevision, "currentRevision must not be null");
		this.current = current;
		this.proposed = Objects.requireNonNull(proposed, "proposed must not be null");
		this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
	}

	/**
	 * Return the topic published to.
	 * @return the topic
	 */
	public String topic() {
		return this.topic;
	}

	/**
	 * Return the revision of the current state.
	 * @return the revision, {@code 0} if the topic has never been written
	 */
	public Revision currentRevision() {
		return this.currentRevision;
	}

	/**
	 * Return the current state: of the topic's type when this node follows the topic,
	 * else a JSON tree.
	 * @return the current state, or {@code null} if the topic has never been written
	 */
	public @Nullable Object current() {
		return this.current;
	}

	/**
	 * Return the current state as the given type.
	 * @param <T> the type
	 * @param type the type to read the state as
	 * @return the current state, or {@code null} if the topic has never been written
	 * @throws IllegalArgumentException if the state does not convert to the type
	 */
	public <T> @Nullable T current(Class<T> type) {
		return (this.current != null) ? as(this.current, type) : null;
	}

	/**
	 * Return the proposed state: of the topic's type when this node follows the topic,
	 * else a JSON tree.
	 * @return the proposed state
	 */
	public Object proposed() {
		return this.proposed;
	}

	/**
	 * Return the proposed state as the given type.
	 * @param <T> the type
	 * @param type the type to read the state as
	 * @return the proposed state
	 * @throws IllegalArgumentException if the state does not convert to the type
	 */
	public <T> T proposed(Class<T> type) {
		return as(this.proposed, type);
	}

	private <T> T as(Object value, Class<T> type) {
		if (type.isInstance(value)) {
			return type.cast(value);
		}
		try {
			return this.mapper.convertValue(value, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("state of topic '" + this.topic + "' does not convert to "
					+ type.getName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "PublishProposal[topic=" + this.topic + ", currentRevision=" + this.currentRevision + "]";
	}

}
