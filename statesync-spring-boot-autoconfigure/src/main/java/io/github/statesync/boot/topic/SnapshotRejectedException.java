package io.github.statesync.boot.topic;

/**
 * A snapshot could not be bound to the topic's type or failed validation: it was not
 * applied and the last good state stays.
 *
 * @author statesync
 * @since 0.1.0
 */
public class SnapshotRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message why the snapshot was rejected
	 * @param cause the binding failure, or {@code null}
	 */
	public SnapshotRejectedException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Create a new exception.
	 * @param message why the snapshot was rejected
	 */
	public SnapshotRejectedException(String message) {
		super(message);
	}

}
