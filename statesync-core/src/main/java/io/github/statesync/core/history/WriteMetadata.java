package io.github.statesync.core.history;

import java.util.Objects;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * What a writer tells a {@link HistoryStore} about a write, beyond the data: recorded in
 * the history entry.
 *
 * @param operation what kind of write it is
 * @param principal the caller's name, or {@code null}
 * @param rollbackOf the revision a rollback restores, else {@code null}
 * @param retention how much history the topic keeps
 * @author statesync
 * @since 0.1.0
 */
public record WriteMetadata(HistoryEntry.Operation operation, @Nullable String principal, @Nullable Revision rollbackOf,
		HistoryRetention retention) {

	/**
	 * Create metadata.
	 * @throws NullPointerException if the operation or retention is {@code null}
	 */
	public WriteMetadata {
		Objects.requireNonNull(operation, "operation must not be null");
		Objects.requireNonNull(retention, "retention must not be null");
	}

}
