package io.github.statesync.core.protocol;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The canonical state of a topic at a revision. On the wire:
 * {@code {"revision":"42","data":<any JSON>}}. The data is any JSON, {@code null}
 * included: a JSON {@code null} is data, and whoever applies it decides whether it fits.
 * A missing {@code data} member is a protocol error, which the codec that reads the wire
 * form reports.
 * <p>
 * Two envelopes are equal when their revisions and data are; the
 * {@linkplain #encodedSize() encoded size} only says how large the envelope was where it
 * was read.
 *
 * @param <T> the type of the data
 * @param revision the revision of this state
 * @param data the state itself; {@code null} only for a JSON {@code null} bound to a type
 * that has no value for it
 * @param encodedSize the size in bytes of the envelope as it was read, or {@code -1} when
 * it was not read from bytes
 * @author statesync
 * @since 0.1.0
 */
public record SnapshotEnvelope<T>(Revision revision, @Nullable T data, int encodedSize) {

	/**
	 * Create an envelope, validating it.
	 * @throws ProtocolException if the revision is missing
	 */
	public SnapshotEnvelope {
		if (revision == null) {
			throw new ProtocolException("snapshot has no revision");
		}
		if (encodedSize < -1) {
			throw new IllegalArgumentException("encodedSize must be -1 or more, was " + encodedSize);
		}
	}

	/**
	 * Create an envelope that was not read from bytes.
	 * @param revision the revision of this state
	 * @param data the state itself
	 * @throws ProtocolException if the revision is missing
	 */
	public SnapshotEnvelope(Revision revision, @Nullable T data) {
		this(revision, data, -1);
	}

	/**
	 * Create an envelope from its wire fields, validating the revision.
	 * @param <T> the type of the data
	 * @param revision the revision's canonical string
	 * @param data the data
	 * @return the envelope
	 * @throws ProtocolException if the revision is not canonical
	 */
	public static <T> SnapshotEnvelope<T> parse(@Nullable String revision, @Nullable T data) {
		Revision parsed;
		try {
			parsed = Revision.parse(revision);
		}
		catch (ProtocolException ex) {
			throw new ProtocolException("snapshot: " + ex.getMessage(), ex);
		}
		return new SnapshotEnvelope<>(parsed, data);
	}

	/**
	 * Return a copy that remembers the size it was read at.
	 * @param bytes the size in bytes of the envelope as read
	 * @return the copy
	 */
	public SnapshotEnvelope<T> withEncodedSize(int bytes) {
		return new SnapshotEnvelope<>(this.revision, this.data, bytes);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof SnapshotEnvelope<?> that && this.revision.equals(that.revision)
				&& Objects.equals(this.data, that.data));
	}

	@Override
	public int hashCode() {
		return 31 * this.revision.hashCode() + Objects.hashCode(this.data);
	}

	@Override
	public String toString() {
		return "SnapshotEnvelope[revision=" + this.revision + ", data=" + this.data + "]";
	}

}
