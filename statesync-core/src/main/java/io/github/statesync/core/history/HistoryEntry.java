package io.github.statesync.core.history;

import java.time.Instant;
import java.util.Objects;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * One write of a topic, as its history keeps it.
 *
 * @param revision the revision the write was stored at
 * @param previousRevision the topic's revision just before the write ({@code 0} for its
 * first write)
 * @param time when the store wrote it (the store's clock)
 * @param operation what kind of write it was
 * @param nodeId the writer's node id, or {@code null} if it has none
 * @param principal the name of the caller that the writer's security context held, or
 * {@code null} if there was none
 * @param size the size of the data, in bytes as JSON
 * @param digest {@code sha256:} followed by the first 16 hex digits of the SHA-256 of the
 * data as JSON
 * @param rollbackOf the revision whose data a rollback restored, {@code null} for other
 * writes
 * @param envelope the snapshot envelope exactly as the store wrote it (JSON:
 * {@code {"revision":"..","data":..}}, with any further members the writer added)
 * @author statesync
 * @since 0.1.0
 */
public record HistoryEntry(Revision revision, Revision previousRevision, Instant time, Operation operation,
		@Nullable String nodeId, @Nullable String principal, long size, String digest, @Nullable Revision rollbackOf,
		String envelope) {

	/**
	 * Create an entry.
	 * @throws NullPointerException if a required component is {@code null}
	 */
	public HistoryEntry {
		Objects.requireNonNull(revision, "revision must not be null");
		Objects.requireNonNull(previousRevision, "previousRevision must not be null");
		Objects.requireNonNull(time, "time must not be null");
		Objects.requireNonNull(operation, "operation must not be null");
		Objects.requireNonNull(digest, "digest must not be null");
		Objects.requireNonNull(envelope, "envelope must not be null");
	}

	/**
	 * The kinds of write.
	 */
	public enum Operation {

		/**
		 * An unconditional publish.
		 */
		PUBLISH,

		/**
		 * A publish made only because the topic was at the expected revision.
		 */
		COMPARE_AND_SET,

		/**
		 * The data of an earlier revision, published again.
		 */
		ROLLBACK

	}

}
