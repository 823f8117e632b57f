package io.github.statesync.core.publish;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A publish could not be carried out. The {@linkplain #getReason() reason} tells a caller
 * what to do about it: retry later ({@link Reason#UNAVAILABLE}, {@link Reason#TIMEOUT}),
 * fix the store's configuration ({@link Reason#REFUSED}: the message carries the server's
 * own answer, such as {@code NOPERM}, {@code WRONGPASS} or {@code OOM}), or change what
 * is published ({@link Reason#TOO_LARGE}, {@link Reason#INVALID}). The write is all or
 * nothing, but after a timeout it may still have happened; publishing again is safe (the
 * same state is stored at a newer revision).
 *
 * @author statesync
 * @since 0.1.0
 */
public class PublishException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Reason reason;

	/**
	 * Create a new exception.
	 * @param reason why the publish could not be carried out
	 * @param message what failed, naming the topic
	 * @param cause the underlying failure, if any
	 */
	public PublishException(Reason reason, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.reason = Objects.requireNonNull(reason, "reason must not be null");
	}

	/**
	 * Return why the publish could not be carried out.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Why a publish could not be carried out.
	 */
	public enum Reason {

		/**
		 * The store could not be reached; nothing was written. Retrying later may work.
		 */
		UNAVAILABLE,

		/**
		 * The store did not answer in time: the write may or may not have happened.
		 * Publishing again is safe.
		 */
		TIMEOUT,

		/**
		 * The store answered with an error: missing rights, wrong credentials, out of
		 * memory, a read-only replica. The message carries the server's answer; retrying
		 * fails the same way until the store's configuration changes.
		 */
		REFUSED,

		/**
		 * The state is over the topic's payload limit; nothing was sent. Readers would
		 * refuse it.
		 */
		TOO_LARGE,

		/**
		 * The state does not bind to the topic's type or fails its validation; nothing
		 * was sent. Readers would refuse it.
		 */
		INVALID

	}

}
