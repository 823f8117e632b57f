package io.github.statesync.jackson;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots decoded by streaming over the envelope agree with snapshots read whole into a
 * tree (the codec's reference path), accepted or refused.
 */
class JacksonSyncCodecSnapshotStreamingTests {

	private final JacksonSyncCodec codec = new JacksonSyncCodec(JsonMapper.builder().build(), 1024, 8);

	@Test
	void streamsAnEnvelopeToTheSameSnapshotAsTheTree() {
		byte[] payload = "{\"extra\":{\"a\":[1]},\"schemaVersion\":3,\"data\":{\"theme\":\"dark\"},\"revision\":\"9\"}"
			.getBytes(StandardCharsets.UTF_8);
		SnapshotEnvelope<JsonNode> envelope = this.codec.decodeSnapshot(payload, JsonNode.class);
		assertThat(envelope.revision()).isEqualTo(Revision.of(9));
		assertThat(envelope.schemaVersion()).isEqualTo(3);
		assertThat(envelope.encodedSize()).isEqualTo(payload.length);
		assertThat(envelope.data().get("theme").stringValue()).isEqualTo("dark");
		assertThat(envelope).isEqualTo(this.codec.decodeSnapshotFromTree(payload, JsonNode.class));
	}

	@Test
	void agreesWithTheTreeOnGeneratedEnvelopes() {
		Random random = new Random(18);
		int streamed = 0;
		int generated = 20_000;
		for (int i = 0; i < generated; i++) {
			byte[] payload = generate(random).getBytes(StandardCharsets.UTF_8);
			for (Type type : List.of(JsonNode.class, Limits.class, Object.class)) {
				assertThat(outcome(payload, type, true)).as(() -> new String(payload, StandardCharsets.UTF_8))
					.isEqualTo(outcome(payload, type, false));
			}
			if (this.codec.readEnvelope(payload) != null) {
				streamed++;
			}
		}
		// the comparison means something only if many were streamed
		assertThat(streamed).isGreaterThan(generated / 8);
		assertThat(this.codec.readEnvelope("{\"revision\":\"1\",\"data\":null}".getBytes(StandardCharsets.UTF_8)))
			.isNotNull();
	}

	record Limits(String theme, int maxUploadMb) {

	}

	private static final List<String> REVISIONS = List.of("\"42\"", "\"0\"", "\"007\"", "\"18446744073709551616\"",
			"\"\\u0034\"", "\"\"", "42", "null", "[]");

	private static final List<String> VERSIONS = List.of("1", "2", "null", "0", "-1", "1.5", "\"2\"", "true",
			"4294967296", "2147483647", "{}", "1e2");

	private static final List<String> DATA = List.of("{\"theme\":\"dark\",\"maxUploadMb\":5}", "{\"theme\":1}", "null",
			"[1,2]", "\"x\"", "{}", "{\"theme\":\"a\",\"maxUploadMb\":5,\"x\":[[[[[[[1]]]]]]]}",
			"{\"a\":[[[[[[1]]]]]]}");

	private static String generate(Random random) {
		List<String> members = new ArrayList<>();
		if (random.nextInt(10) > 0) {
			members.add("\"revision\":" + REVISIONS.get(random.nextBoolean() ? 0 : random.nextInt(REVISIONS.size())));
		}
		if (random.nextBoolean()) {
			members.add("\"schemaVersion\":" + VERSIONS.get(random.nextInt(VERSIONS.size())));
		}
		if (random.nextInt(10) > 0) {
			members.add("\"data\":" + DATA.get(random.nextInt(DATA.size())));
		}
		if (random.nextInt(4) == 0) {
			members.add("\"data\":" + DATA.get(random.nextInt(DATA.size())));
		}
		if (random.nextInt(3) == 0) {
			members.add("\"x\":" + DATA.get(random.nextInt(DATA.size())));
		}
		Collections.shuffle(members, random);
		String json = "{" + String.join(",", members) + "}";
		return switch (random.nextInt(12)) {
			case 0 -> json.substring(0, random.nextInt(json.length()));
			case 1 -> json + " x";
			case 2 -> "[" + json + "]";
			default -> json;
		};
	}

	private Object outcome(byte[] payload, Type type, boolean streaming) {
		try {
			SnapshotEnvelope<Object> envelope = streaming ? this.codec.decodeSnapshot(payload, type)
					: this.codec.decodeSnapshotFromTree(payload, type);
			return List.of(envelope.revision(), Map.of("data", String.valueOf(envelope.data())),
					envelope.schemaVersion(), envelope.encodedSize());
		}
		catch (RuntimeException ex) {
			return ex.getClass().getName() + ": " + ex.getMessage();
		}
	}

}
