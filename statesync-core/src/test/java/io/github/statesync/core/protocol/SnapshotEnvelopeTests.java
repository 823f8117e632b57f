package io.github.statesync.core.protocol;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SnapshotEnvelopeTests {

	@Test
	void parsesWireFields() {
		SnapshotEnvelope<Map<String, Object>> envelope = SnapshotEnvelope.parse("42", Map.of("theme", "dark"));
		assertThat(envelope.revision()).isEqualTo(Revision.of(42));
		assertThat(envelope.data()).containsEntry("theme", "dark");
	}

	@Test
	void rejectsNonCanonicalRevision() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> SnapshotEnvelope.parse("-1", "data"))
			.withMessageStartingWith("snapshot: revision \"-1\" is not canonical");
	}

	@Test
	void rejectsMissingRevision() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> SnapshotEnvelope.parse(null, "data"))
			.withMessage("snapshot: revision is missing");
	}

	@Test
	void jsonNullIsData() {
		SnapshotEnvelope<String> envelope = SnapshotEnvelope.parse("3", null);
		assertThat(envelope.revision()).isEqualTo(Revision.of(3));
		assertThat(envelope.data()).isNull();
	}

	@Test
	void encodedSizeIsNotPartOfEquality() {
		SnapshotEnvelope<String> read = new SnapshotEnvelope<>(Revision.of(3), "v").withEncodedSize(31);
		assertThat(read.encodedSize()).isEqualTo(31);
		assertThat(read).isEqualTo(new SnapshotEnvelope<>(Revision.of(3), "v"))
			.hasSameHashCodeAs(new SnapshotEnvelope<>(Revision.of(3), "v"));
		assertThat(new SnapshotEnvelope<>(Revision.of(3), "v").encodedSize()).isEqualTo(-1);
	}

	@Test
	void envelopeWithoutSchemaVersionIsVersionOne() {
		assertThat(new SnapshotEnvelope<>(Revision.of(3), "v").schemaVersion()).isEqualTo(1);
		assertThat(new SnapshotEnvelope<>(Revision.of(3), "v", 12).schemaVersion()).isEqualTo(1);
		assertThat(SnapshotEnvelope.parse("3", "v").schemaVersion()).isEqualTo(SnapshotEnvelope.UNVERSIONED);
	}

	@Test
	void schemaVersionIsPartOfEqualityAndSurvivesCopies() {
		SnapshotEnvelope<String> versioned = new SnapshotEnvelope<>(Revision.of(3), "v", -1, 2);
		assertThat(versioned).isNotEqualTo(new SnapshotEnvelope<>(Revision.of(3), "v"))
			.isEqualTo(new SnapshotEnvelope<>(Revision.of(3), "v").withSchemaVersion(2))
			.hasSameHashCodeAs(new SnapshotEnvelope<>(Revision.of(3), "v").withSchemaVersion(2));
		assertThat(versioned.withEncodedSize(40).schemaVersion()).isEqualTo(2);
		assertThat(versioned.toString()).contains("schemaVersion=2");
	}

	@Test
	void rejectsSchemaVersionBelowOne() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> new SnapshotEnvelope<>(Revision.of(3), "v", -1, 0))
			.withMessage("snapshot at revision 3: schemaVersion must be 1 or more, was 0");
	}

	@Test
	void schemaVersionMemberIsWrittenOnlyAboveOne() {
		assertThat(SnapshotEnvelope.schemaVersionMember(1)).isEmpty();
		assertThat(SnapshotEnvelope.schemaVersionMember(12)).isEqualTo("\"schemaVersion\":12,");
	}

}
