package io.github.statesync.core.engine;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A topic's {@link TopicStatus}, when the handle entered it, and why.
 *
 * @param status the status
 * @param since when the handle entered it (the handle's clock)
 * @param cause why, in a sentence for operators (for {@link TopicStatus#STALE}: what was
 * not applied or which failure; for {@link TopicStatus#INITIALIZING} and
 * {@link TopicStatus#ON_ARCHIVE}: the last failure to reach the source, if any);
 * {@code null} when there is nothing to say. It may name a URL of the source: mask
 * credentials before showing it.
 * @author statesync
 * @since 0.1.0
 */
public record SyncStatus(TopicStatus status, Instant since, @Nullable String cause) {

	/**
	 * Create a status.
	 * @throws NullPointerException if status or since is {@code null}
	 */
	public SyncStatus {
		Objects.requireNonNull(status, "status must not be null");
		Objects.requireNonNull(since, "since must not be null");
	}

}
