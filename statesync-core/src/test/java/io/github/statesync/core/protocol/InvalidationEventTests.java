package io.github.statesync.core.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class InvalidationEventTests {

	@Test
	void parsesWireFields() {
		InvalidationEvent event = InvalidationEvent.parse("settings", "42", "node-a", 1764000000000L);
		assertThat(event.topic()).isEqualTo("settings");
		assertThat(event.revision()).isEqualTo(Revision.of(42));
		assertThat(event.sourceId()).isEqualTo("node-a");
		assertThat(event.timestampMs()).isEqualTo(1764000000000L);
	}

	@Test
	void optionalFieldsMayBeAbsent() {
		InvalidationEvent event = InvalidationEvent.parse("settings", "1", null, null);
		assertThat(event.sourceId()).isNull();
		assertThat(event.timestampMs()).isNull();
	}

	@Test
	void keepsTopicExactlyAsGiven() {
		assertThat(InvalidationEvent.parse(" pricing:eu ", "1", null, null).topic()).isEqualTo(" pricing:eu ");
	}

	@Test
	void rejectsMissingOrBlankTopic() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> InvalidationEvent.parse(null, "1", null, null))
			.withMessage("topic is missing");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> InvalidationEvent.parse("", "1", null, null))
			.withMessage("topic must not be blank");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> InvalidationEvent.parse(" \t", "1", null, null))
			.withMessage("topic must not be blank");
	}

	@Test
	void rejectsNonCanonicalOrMissingRevisionNamingTheTopic() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> InvalidationEvent.parse("settings", "01", null, null))
			.withMessageStartingWith("invalidation event for topic 'settings': revision \"01\" is not canonical");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> InvalidationEvent.parse("settings", null, null, null))
			.withMessage("invalidation event for topic 'settings': revision is missing");
	}

	@Test
	void constructorRejectsNullRevision() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> new InvalidationEvent("settings", null, null, null))
			.withMessageContaining("has no revision");
	}

}
