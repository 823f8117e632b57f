package io.github.statesync.core.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The canonical state of a topic at a revision. On the wire:
 * {@code {"revision":"42","data":<any JSON>}}.
 *
 * @param <T> the type of the data
 * @param revision the revision of this state
 * @param data the state itself, never {@code null}
 * @author statesync
 * @since 0.1.0
 */
public record SnapshotEnvelope<T>(Revision revision, T data) {

	/**
	 * Create an envelope, validating it.
	 * @throws ProtocolException if the revision or the data is missing
	 */
	public SnapshotEnvelope {
		if (revision == null) {
			throw new ProtocolException("snapshot has no revision");
		}
		if (data == null) {
			throw new ProtocolException("snapshot at revision " + revision + " has no data");
		}
	}

	/**
	 * Create an envelope from its wire fields, validating each.
	 * @param <T> the type of the data
	 * @param revision the revision's canonical string
	 * @param data the data
	 * @return the envelope
	 * @throws ProtocolException if the revision is not canonical or the data is missing
	 */
	public static <T> SnapshotEnvelope<T> parse(@Nullable String revision, @Nullable T data) {
		Revision parsed;
		try {
			parsed = Revision.parse(revision);
		}
		catch (ProtocolException ex) {
			throw new ProtocolException("snapshot: " + ex.getMessage());
		}
		return new SnapshotEnvelope<>(parsed, data);
	}

}
