package io.github.statesync.core.history;

import java.util.Objects;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.jspecify.annotations.Nullable;

/**
 * What a writer tells a {@link HistoryStore} about a write, beyond the data: recorded in
 * the history entry.
 *
 * @param operation what kind of write it is
 * @param principal the caller's name, or {@code null}
 * @param rollbackOf the revision a rollback restores, else {@code null}
 * @param retention how much history the topic keeps
 * @param schemaVersion the schema version the data is stamped with (see
 * {@link SnapshotEnvelope#schemaVersion()}), {@code 1} for unversioned data
 * @author statesync
 * @since 0.1.0
 */
public record WriteMetadata(HistoryEntry.Operation operation, @Nullable String principal, @Nullable Revision rollbackOf,
		HistoryRetention retention, int schemaVersion) {

	/**
	 * Create metadata.
	 * @throws NullPointerException if the operation or retention is {@code null}
	 * @throws IllegalArgumentException if the schema version is below 1
	 */
	public WriteMetadata {
		Objects.requireNonNull(operation, "operation must not be null");
		Objects.requireNonNull(retention, "retention must not be null");
		if (schemaVersion < SnapshotEnvelope.UNVERSIONED) {
			throw new IllegalArgumentException("schemaVersion must be 1 or more, was " + schemaVersion);
		}
	}

	/**
	 * Create metadata of unversioned data.
	 * @param operation what kind of write it is
	 * @param principal the caller's name, or {@code null}
	 * @param rollbackOf the revision a rollback restores, else {@code null}
	 * @param retention how much history the topic keeps
	 */
	public WriteMetadata(HistoryEntry.Operation operation, @Nullable String principal, @Nullable Revision rollbackOf,
			HistoryRetention retention) {
		this(operation, principal, rollbackOf, retention, SnapshotEnvelope.UNVERSIONED);
	}

	/**
	 * Return this metadata for data stamped with another schema version.
	 * @param schemaVersion the schema version, 1 or more
	 * @return the metadata
	 */
	public WriteMetadata withSchemaVersion(int schemaVersion) {
		return new WriteMetadata(this.operation, this.principal, this.rollbackOf, this.retention, schemaVersion);
	}

}
