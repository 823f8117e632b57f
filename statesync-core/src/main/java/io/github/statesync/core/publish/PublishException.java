package io.github.statesync.core.publish;

/**
 * A publish could not be carried out: the store is unreachable, refused the data, or did
 * not answer in time. The write is all or nothing, but after a timeout it may still have
 * happened; publishing again is safe (the same state is stored at a newer revision).
 *
 * @author statesync
 * @since 0.1.0
 */
public class PublishException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message what failed
	 * @param cause why
	 */
	public PublishException(String message, Throwable cause) {
		super(message, cause);
	}

}
