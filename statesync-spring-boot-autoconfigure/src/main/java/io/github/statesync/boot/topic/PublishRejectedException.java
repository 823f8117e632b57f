package io.github.statesync.boot.topic;

import io.github.statesync.core.publish.PublishException;
import org.jspecify.annotations.Nullable;

/**
 * A publish was refused before anything was written: the state does not bind to the
 * topic's type or fails its validation, so every node following the topic would refuse it
 * too. The message names the topic, the property and the constraint; the
 * {@linkplain #getCause() cause} is the {@link SnapshotRejectedException} the readers'
 * rules raised. A subclass reports a publish that whole-value checks refused
 * ({@code io.github.statesync.boot.validate.PublishValidationException}). Unlike other
 * {@link PublishException}s, publishing the same state again fails the same way.
 *
 * @author statesync
 * @since 0.1.0
 */
public class PublishRejectedException extends PublishException {

	private static final long serialVersionUID = 1L;

	private final String topic;

	/**
	 * Create a new exception.
	 * @param topic the topic published to
	 * @param cause why readers would refuse the state
	 */
	public PublishRejectedException(String topic, SnapshotRejectedException cause) {
		super(PublishException.Reason.INVALID,
				"publish to topic '" + topic + "' refused, nothing was written: " + cause.getMessage(), cause);
		this.topic = topic;
	}

	/**
	 * Create a new exception for another rule than the readers'.
	 * @param topic the topic published to
	 * @param message what refused the publish, naming the topic
	 * @param cause the underlying failure, if any
	 * @since 0.1.0
	 */
	protected PublishRejectedException(String topic, String message, @Nullable Throwable cause) {
		super(PublishException.Reason.INVALID, message, cause);
		this.topic = topic;
	}

	/**
	 * Return the topic the publish was meant for.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

}
