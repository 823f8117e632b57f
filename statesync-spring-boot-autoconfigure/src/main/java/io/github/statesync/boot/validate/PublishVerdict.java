package io.github.statesync.boot.validate;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link PublishValidator} says about a publish: it may go ahead, or it is refused
 * for a reason that the publisher's exception and log repeat word for word.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class PublishVerdict {

	private static final PublishVerdict OK = new PublishVerdict(null);

	private final @Nullable String reason;

	private PublishVerdict(@Nullable String reason) {
		this.reason = reason;
	}

	/**
	 * Return the verdict that lets the publish go ahead.
	 * @return the verdict
	 */
	public static PublishVerdict ok() {
		return OK;
	}

	/**
	 * Return a verdict that refuses the publish.
	 * @param reason why, in words an operator understands (for example
	 * {@code "price table shrinks from 120 to 40 entries, more than 50%"}); never the
	 * whole payload
	 * @return the verdict
	 * @throws IllegalArgumentException if the reason is blank
	 */
	public static PublishVerdict refuse(String reason) {
		Objects.requireNonNull(reason, "reason must not be null");
		if (reason.isBlank()) {
			throw new IllegalArgumentException("a refusal needs a reason");
		}
		return new PublishVerdict(reason);
	}

	/**
	 * Return whether the publish is refused.
	 * @return {@code true} if refused
	 */
	public boolean isRefused() {
		return this.reason != null;
	}

	/**
	 * Return why the publish is refused.
	 * @return the reason, or {@code null} if the publish may go ahead
	 */
	public @Nullable String reason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return (this.reason != null) ? "refused: " + this.reason : "ok";
	}

}
