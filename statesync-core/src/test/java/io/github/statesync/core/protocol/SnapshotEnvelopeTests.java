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
	void rejectsMissingRevisionOrData() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> SnapshotEnvelope.parse(null, "data"))
			.withMessage("snapshot: revision is missing");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> SnapshotEnvelope.parse("3", null))
			.withMessage("snapshot at revision 3 has no data");
	}

}
