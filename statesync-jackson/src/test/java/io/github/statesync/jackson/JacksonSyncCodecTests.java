package io.github.statesync.jackson;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JacksonSyncCodecTests {

	private final JacksonSyncCodec codec = new JacksonSyncCodec(JsonMapper.builder().build(), 1024, 8);

	@Test
	void eventRoundTripsInTheWireShape() {
		InvalidationEvent event = new InvalidationEvent("settings", Revision.of(42), "node-a", 1764000000000L);
		String json = new String(this.codec.encodeEvent(event), StandardCharsets.UTF_8);
		assertThat(json).isEqualTo(
				"{\"topic\":\"settings\",\"revision\":\"42\",\"sourceId\":\"node-a\",\"timestampMs\":1764000000000}");
		assertThat(this.codec.decodeEvent(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
	}

	@Test
	void eventCarriesInlineDataThatBindsToTheReadersType() {
		InvalidationEvent event = decodeEvent(
				"{\"topic\":\"t\",\"revision\":\"7\",\"data\":{\"theme\":\"dark\",\"maxUploadMb\":5}}");
		assertThat(event.data()).isInstanceOf(JsonNode.class);
		assertThat(this.codec.<JsonNode>bindInlineData(event.data(), JsonNode.class)).isSameAs(event.data());
		assertThat(this.codec.<Limits>bindInlineData(event.data(), Limits.class)).isEqualTo(new Limits("dark", 5));
		assertThat(new String(this.codec.encodeEvent(event), StandardCharsets.UTF_8))
			.isEqualTo("{\"topic\":\"t\",\"revision\":\"7\",\"data\":{\"theme\":\"dark\",\"maxUploadMb\":5}}");
		assertThat(decodeEvent("{\"topic\":\"t\",\"revision\":\"7\",\"data\":null}").data()).isNull();
	}

	@Test
	void inlineDataThatDoesNotFitTheTypeIsAProtocolError() {
		InvalidationEvent event = decodeEvent("{\"topic\":\"t\",\"revision\":\"7\",\"data\":[1,2]}");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.bindInlineData(event.data(), Limits.class))
			.withMessageStartingWith("inline data does not fit");
	}

	record Limits(String theme, int maxUploadMb) {

	}

	@Test
	void eventOmitsAbsentOptionalFieldsAndIgnoresUnknownOnes() {
		assertThat(
				new String(this.codec.encodeEvent(InvalidationEvent.of("t", Revision.of(1))), StandardCharsets.UTF_8))
			.isEqualTo("{\"topic\":\"t\",\"revision\":\"1\"}");
		InvalidationEvent event = decodeEvent(
				"{\"topic\":\"t\",\"revision\":\"7\",\"inline\":{\"x\":1},\"sourceId\":5}");
		assertThat(event).isEqualTo(InvalidationEvent.of("t", Revision.of(7)));
		assertThat(decodeEvent("{\"timestampMs\":\"soon\",\"revision\":\"7\",\"topic\":\"t\"}")).isEqualTo(event);
		assertThat(decodeEvent("{\"topic\":\"t\",\"revision\":\"7\",\"timestampMs\":1e3}")).isEqualTo(event);
		assertThat(decodeEvent("{\"topic\":\"t\",\"revision\":\"7\",\"timestampMs\":99999999999999999999}"))
			.isEqualTo(event);
		assertThat(decodeEvent("{\"topic\":\"t\",\"revision\":\"7\",\"timestampMs\":{\"a\":[1]}}")).isEqualTo(event);
	}

	@Test
	void refusesEventWithContentAfterItsObject() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decodeEvent("{\"topic\":\"t\",\"revision\":\"7\"} {}"))
			.withMessageContaining("not valid JSON");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decodeEvent("{\"topic\":\"t\",\"revision\":\"7\""))
			.withMessageContaining("not valid JSON");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decodeEvent("{\"topic\":[\"t\"],\"revision\":\"7\"}"))
			.withMessage("invalidation event: topic must be a JSON string, was ARRAY");
	}

	@Test
	void refusesEventsThatBreakTheProtocol() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decodeEvent("{\"revision\":\"1\"}"))
			.withMessage("topic is missing");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decodeEvent("{\"topic\":\"t\",\"revision\":1}"))
			.withMessage("invalidation event for topic 't': revision must be a JSON string, was NUMBER");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decodeEvent("{\"topic\":\"t\",\"revision\":\"-1\"}"))
			.withMessageContaining("is not canonical");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decodeEvent("\"settings\""))
			.withMessage("invalidation event must be a JSON object");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decodeEvent("{\"topic\":"))
			.withMessageStartingWith("invalidation event is not valid JSON");
	}

	@Test
	void refusesPayloadsOverTheLimits() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decodeEvent("{\"topic\":\"" + "x".repeat(2000) + "\",\"revision\":\"1\"}"))
			.withMessageContaining("exceeds the limit of 1024 bytes");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec
				.decodeSnapshot(("{\"revision\":\"1\",\"data\":" + "[".repeat(20) + "]".repeat(20) + "}")
					.getBytes(StandardCharsets.UTF_8), List.class))
			.withMessageContaining("not valid JSON")
			.withMessageContaining("nesting depth");
	}

	@Test
	void snapshotBindsDataToTheRequestedType() {
		SnapshotEnvelope<Settings> envelope = this.codec.decodeSnapshot(
				"{\"revision\":\"3\",\"data\":{\"theme\":\"dark\",\"features\":{\"beta\":true}},\"extra\":1}"
					.getBytes(StandardCharsets.UTF_8),
				Settings.class);
		assertThat(envelope)
			.isEqualTo(new SnapshotEnvelope<>(Revision.of(3), new Settings("dark", Map.of("beta", true))));
		assertThat(new String(this.codec.encodeData(envelope.data()), StandardCharsets.UTF_8))
			.isEqualTo("{\"theme\":\"dark\",\"features\":{\"beta\":true}}");
	}

	@Test
	void snapshotRemembersItsEncodedSize() {
		byte[] payload = "{\"revision\":\"3\",\"data\":{\"theme\":\"dark\"}}".getBytes(StandardCharsets.UTF_8);
		assertThat(this.codec.decodeSnapshot(payload, JsonNode.class).encodedSize()).isEqualTo(payload.length);
	}

	@Test
	void jsonNullDataIsDataTheApplierDecidesOn() {
		SnapshotEnvelope<JsonNode> tree = this.codec
			.decodeSnapshot("{\"revision\":\"4\",\"data\":null}".getBytes(StandardCharsets.UTF_8), JsonNode.class);
		assertThat(tree.revision()).isEqualTo(Revision.of(4));
		assertThat(tree.data().isNull()).isTrue();
		SnapshotEnvelope<Settings> typed = this.codec
			.decodeSnapshot("{\"revision\":\"4\",\"data\":null}".getBytes(StandardCharsets.UTF_8), Settings.class);
		assertThat(typed.data()).isNull();
	}

	@Test
	void snapshotWithoutSchemaVersionIsVersionOne() {
		SnapshotEnvelope<JsonNode> envelope = this.codec.decodeSnapshot(
				"{\"revision\":\"5\",\"data\":{\"price\":1}}".getBytes(StandardCharsets.UTF_8), JsonNode.class);
		assertThat(envelope.schemaVersion()).isEqualTo(SnapshotEnvelope.UNVERSIONED).isEqualTo(1);
		assertThat(this.codec
			.<JsonNode>decodeSnapshot(
					"{\"revision\":\"5\",\"schemaVersion\":null,\"data\":{}}".getBytes(StandardCharsets.UTF_8),
					JsonNode.class)
			.schemaVersion()).isEqualTo(1);
	}

	@Test
	void snapshotSchemaVersionRoundTripsAsAnEnvelopeMemberBeforeTheData() {
		String wire = "{\"revision\":\"6\"," + SnapshotEnvelope.schemaVersionMember(2) + "\"data\":{\"priceCents\":1}}";
		assertThat(wire).isEqualTo("{\"revision\":\"6\",\"schemaVersion\":2,\"data\":{\"priceCents\":1}}");
		SnapshotEnvelope<JsonNode> envelope = this.codec.decodeSnapshot(wire.getBytes(StandardCharsets.UTF_8),
				JsonNode.class);
		assertThat(envelope.revision()).isEqualTo(Revision.of(6));
		assertThat(envelope.schemaVersion()).isEqualTo(2);
		assertThat(envelope.data().get("priceCents").asInt()).isEqualTo(1);
		assertThat(envelope.withEncodedSize(1).schemaVersion()).isEqualTo(2);
		assertThat(envelope).isNotEqualTo(envelope.withSchemaVersion(1));
		assertThat(SnapshotEnvelope.schemaVersionMember(1)).isEmpty();
	}

	@Test
	void schemaVersionThatIsNotAWholeNumberFromOneIsAProtocolError() {
		for (String version : List.of("0", "-1", "1.5", "\"2\"", "true", "4294967296", "{}")) {
			assertThatExceptionOfType(ProtocolException.class)
				.isThrownBy(() -> this.codec
					.decodeSnapshot(("{\"revision\":\"7\",\"schemaVersion\":" + version + ",\"data\":{}}")
						.getBytes(StandardCharsets.UTF_8), JsonNode.class))
				.as(version)
				.withMessageStartingWith("snapshot at revision 7: schemaVersion must be a whole number from 1 up");
		}
	}

	@Test
	void snapshotWithoutDataMemberIsAProtocolError() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.decodeSnapshot("{\"revision\":\"4\"}".getBytes(StandardCharsets.UTF_8),
					JsonNode.class))
			.withMessage("snapshot at revision 4 has no data");
	}

	@Test
	void snapshotErrorsNameTheirSubjectOnce() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.decodeSnapshot("{\"revision\":4,\"data\":{}}".getBytes(StandardCharsets.UTF_8),
					JsonNode.class))
			.withMessage("snapshot: revision must be a JSON string, was NUMBER");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec
				.decodeSnapshot("{\"revision\":\"04\",\"data\":{}}".getBytes(StandardCharsets.UTF_8), JsonNode.class))
			.withMessageStartingWith("snapshot: revision \"04\" is not canonical");
	}

	@Test
	void refusesPolymorphicTypeHints() {
		SnapshotEnvelope<Object> envelope = this.codec
			.decodeSnapshot("{\"revision\":\"3\",\"data\":[\"java.net.URL\",\"http://example.invalid\"]}"
				.getBytes(StandardCharsets.UTF_8), Object.class);
		assertThat(envelope.data()).isEqualTo(List.of("java.net.URL", "http://example.invalid"));
	}

	private InvalidationEvent decodeEvent(String json) {
		return this.codec.decodeEvent(json.getBytes(StandardCharsets.UTF_8));
	}

	record Settings(String theme, Map<String, Boolean> features) {

	}

}
