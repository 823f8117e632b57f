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
 * The {@linkplain #schemaVersion() schema version} of the data travels as an optional
 * envelope member, {@code {"revision":"42","schemaVersion":2,"data":...}}, written only
 * when it is not {@value #UNVERSIONED}: an envelope without it is version
 * {@value #UNVERSIONED}, and clients of the protocol that do not know the member ignore
 * it.
 * <p>
 * Two envelopes are equal when their revisions, schema versions and data are; the
 * {@linkplain #encodedSize() encoded size} only says how large the envelope was where it
 * was read.
 *
 * @param <T> the type of the data
 * @param revision the revision of this state
 * @param data the state itself; {@code null} only for a JSON {@code null} bound to a type
 * that has no value for it
 * @param encodedSize the size in bytes of the envelope as it was read, or {@code -1} when
 * it was not read from bytes
 * @param schemaVersion the version of the data's schema, {@value #UNVERSIONED} or more;
 * {@value #UNVERSIONED} for an envelope that does not say
 * @author statesync
 * @since 0.1.0
 */
public record SnapshotEnvelope<T>(Revision revision, @Nullable T data, int encodedSize, int schemaVersion) {

	/**
	 * The schema version of data whose envelope names none.
	 */
	public static final int UNVERSIONED = 1;

	/**
	 * Create an envelope, validating it.
	 * @throws ProtocolException if the revision is missing or the schema version is below
	 * {@value #UNVERSIONED}
	 */
	public SnapshotEnvelope {
		if (revision == null) {
			throw new ProtocolException("snapshot has no revision");
		}
		if (encodedSize < -1) {
			throw new IllegalArgumentException("encodedSize must be -1 or more, was " + encodedSize);
		}
		if (schemaVersion < UNVERSIONED) {
			throw new ProtocolException(
					"snapshot at revision " + revision + ": schemaVersion must be 1 or more, was " + schemaVersion);
		}
	}

	/**
	 * Create an envelope of unversioned data (schema version {@value #UNVERSIONED}).
	 * @param revision the revision of this state
	 * @param data the state itself
	 * @param encodedSize the size in bytes of the envelope as it was read, or {@code -1}
	 * @throws ProtocolException if the revision is missing
	 */
	public SnapshotEnvelope(Revision revision, @Nullable T data, int encodedSize) {
		this(revision, data, encodedSize, UNVERSIONED);
	}

	/**
	 * Create an envelope that was not read from bytes.
	 * @param revision the revision of this state
	 * @param data the state itself
	 * @throws ProtocolException if the revision is missing
	 */
	public SnapshotEnvelope(Revision revision, @Nullable T data) {
		this(revision, data, -1, UNVERSIONED);
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
		return new SnapshotEnvelope<>(this.revision, this.data, bytes, this.schemaVersion);
	}

	/**
	 * Return a copy whose data has the given schema version.
	 * @param version the schema version of the data, {@value #UNVERSIONED} or more
	 * @return the copy
	 * @throws ProtocolException if the version is below {@value #UNVERSIONED}
	 */
	public SnapshotEnvelope<T> withSchemaVersion(int version) {
		return new SnapshotEnvelope<>(this.revision, this.data, this.encodedSize, version);
	}

	/**
	 * Return the envelope member that carries a schema version on the wire, as writers
	 * put it between the revision and the data: {@code "schemaVersion":2,}, or the empty
	 * string for version {@value #UNVERSIONED}, which is never written.
	 * @param schemaVersion the schema version, {@value #UNVERSIONED} or more
	 * @return the member with its trailing comma, or {@code ""}
	 * @throws IllegalArgumentException if the version is below {@value #UNVERSIONED}
	 */
	public static String schemaVersionMember(int schemaVersion) {
		if (schemaVersion < UNVERSIONED) {
			throw new IllegalArgumentException("schemaVersion must be 1 or more, was " + schemaVersion);
		}
		return (schemaVersion == UNVERSIONED) ? "" : "\"schemaVersion\":" + schemaVersion + ",";
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof SnapshotEnvelope<?> that && this.revision.equals(that.revision)
				&& this.schemaVersion == that.schemaVersion && Objects.equals(this.data, that.data));
	}

	@Override
	public int hashCode() {
		return 31 * (31 * this.revision.hashCode() + this.schemaVersion) + Objects.hashCode(this.data);
	}

	@Override
	public String toString() {
		return "SnapshotEnvelope[revision=" + this.revision
				+ ((this.schemaVersion != UNVERSIONED) ? ", schemaVersion=" + this.schemaVersion : "") + ", data="
				+ this.data + "]";
	}

}
