package io.github.statesync.core.protocol;

/**
 * Thrown when a payload breaks the state-sync protocol: a blank topic, a revision that is
 * not a canonical unsigned 64-bit decimal string, a missing field, a payload that cannot
 * be decoded. A protocol error is reported and counted, never applied and never fatal.
 *
 * @author statesync
 * @since 0.1.0
 */
public class ProtocolException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message what rule the payload broke
	 */
	public ProtocolException(String message) {
		super(message);
	}

	/**
	 * Create a new exception.
	 * @param message what rule the payload broke
	 * @param cause the decoding failure behind it
	 */
	public ProtocolException(String message, Throwable cause) {
		super(message, cause);
	}

}
