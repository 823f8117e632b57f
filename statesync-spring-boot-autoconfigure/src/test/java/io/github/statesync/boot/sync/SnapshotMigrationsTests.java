package io.github.statesync.boot.sync;

import java.util.List;

import io.github.statesync.boot.SnapshotMigration;
import io.github.statesync.boot.topic.MissingSnapshotMigrationException;
import io.github.statesync.boot.topic.SnapshotRejectedException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SnapshotMigrationsTests {

	private final JsonMapper json = JsonMapper.builder().build();

	private static SnapshotMigration marking(String topic, int from, String mark) {
		return SnapshotMigration.of(topic, from, (data) -> ((ObjectNode) data).put("v" + (from + 1), mark));
	}

	@Test
	void upgradesStepByStepOnACopyOfTheData() {
		SnapshotMigrations migrations = new SnapshotMigrations(
				List.of(marking("pricing", 2, "exact"), marking("pricing", 1, "exact"), marking("pricing", 3, "x")));
		JsonNode original = this.json.readTree("{\"price\":1}");
		JsonNode upgraded = migrations.upgrade("pricing", original, 1, 3);
		assertThat(upgraded.toString()).isEqualTo("{\"price\":1,\"v2\":\"exact\",\"v3\":\"exact\"}");
		assertThat(original.toString()).isEqualTo("{\"price\":1}");
	}

	@Test
	void exactTopicWinsOverPatternsAndLongerPatternsOverShorterOnes() {
		SnapshotMigrations migrations = new SnapshotMigrations(
				List.of(marking("*", 1, "any"), marking("pricing:*", 1, "pricing"), marking("pricing:eu", 1, "eu")));
		assertThat(migrations.upgrade("pricing:eu", this.json.readTree("{}"), 1, 2).get("v2").asString())
			.isEqualTo("eu");
		assertThat(migrations.upgrade("pricing:us", this.json.readTree("{}"), 1, 2).get("v2").asString())
			.isEqualTo("pricing");
		assertThat(migrations.upgrade("flags", this.json.readTree("{}"), 1, 2).get("v2").asString()).isEqualTo("any");
	}

	@Test
	void missingStepNamesTopicAndBothVersions() {
		SnapshotMigrations migrations = new SnapshotMigrations(List.of(marking("pricing", 1, "x")));
		migrations.requireSteps("pricing", 2);
		migrations.requireSteps("other", 1);
		assertThatExceptionOfType(MissingSnapshotMigrationException.class)
			.isThrownBy(() -> migrations.requireSteps("pricing", 3))
			.withMessageContaining("Topic 'pricing' declares schema version 3")
			.withMessageContaining("from version 2 to 3")
			.satisfies((ex) -> assertThat(ex.getFromVersion()).isEqualTo(2));
	}

	@Test
	void twoStepsThatMatchEquallyAreRefused() {
		SnapshotMigrations migrations = new SnapshotMigrations(
				List.of(marking("pricing:*", 1, "a"), marking("pricing:*", 1, "b")));
		assertThatIllegalStateException().isThrownBy(() -> migrations.requireSteps("pricing:eu", 2))
			.withMessageContaining("2 SnapshotMigration beans from schema version 1 to 2");
	}

	@Test
	void failingStepRefusesTheSnapshotNamingTheStep() {
		SnapshotMigrations migrations = new SnapshotMigrations(List.of(SnapshotMigration.of("pricing", 1, (data) -> {
			throw new IllegalStateException("no price");
		})));
		assertThatExceptionOfType(SnapshotRejectedException.class)
			.isThrownBy(() -> migrations.upgrade("pricing", this.json.readTree("{}"), 1, 2))
			.withMessageContaining("the step from version 1 to 2 failed")
			.withMessageContaining("no price");
	}

	@Test
	void stepMustNameATopicAndAVersionFromOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> SnapshotMigration.of(" ", 1, (data) -> data));
		assertThatIllegalArgumentException().isThrownBy(() -> SnapshotMigration.of("pricing", 0, (data) -> data));
	}

}
