package io.github.statesync.jackson;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The event scanner against the JSON corners it must get right, and against Jackson's
 * streaming parser (the codec's reference path) over many generated events.
 */
class JacksonSyncCodecEventScanTests {

	private final JacksonSyncCodec codec = new JacksonSyncCodec(JsonMapper.builder().build(), 1024, 8);

	@Test
	void decodesEscapedQuotesAndUnicodeInTopicAndSourceId() {
		InvalidationEvent event = decode(
				"{\"topic\":\"a\\\"b\\\\c\\u00e9\\/\\t\",\"revision\":\"1\",\"sourceId\":\"n\\u0041\\n\\ud83d\\ude80\"}");
		assertThat(event.topic()).isEqualTo("a\"b\\c\u00e9/\t");
		assertThat(event.sourceId()).isEqualTo("nA\n\ud83d\ude80");
		assertAgreesWithParser(
				"{\"topic\":\"a\\\"b\\\\c\\u00e9\\/\\t\",\"revision\":\"1\",\"sourceId\":\"n\\u0041\\n\\ud83d\\ude80\"}");
	}

	@Test
	void decodesMultiByteUtf8TopicNames() {
		for (String topic : List.of("caf\u00e9", "\u8a2d\u5b9a", "rocket-\ud83d\ude80", "\u00e9\\\"\u00e9")) {
			String json = "{\"topic\":\"" + topic + "\",\"revision\":\"3\",\"sourceId\":\"\u00fc\"}";
			InvalidationEvent event = decode(json);
			assertThat(event.topic()).isEqualTo(topic.replace("\\\"", "\""));
			assertThat(event.sourceId()).isEqualTo("\u00fc");
		}
	}

	@Test
	void refusesMalformedUtf8AsTheParserDoes() {
		byte[] head = "{\"topic\":\"a".getBytes(StandardCharsets.UTF_8);
		byte[] tail = "\",\"revision\":\"1\"}".getBytes(StandardCharsets.UTF_8);
		for (byte[] bad : List.of(new byte[] { (byte) 0xC3, 0x28 }, new byte[] { (byte) 0xFF },
				new byte[] { (byte) 0xE2, (byte) 0x82 }, new byte[] { (byte) 0x80 })) {
			ByteArrayOutputStream payload = new ByteArrayOutputStream();
			payload.writeBytes(head);
			payload.writeBytes(bad);
			payload.writeBytes(tail);
			assertThatExceptionOfType(ProtocolException.class)
				.isThrownBy(() -> this.codec.decodeEvent(payload.toByteArray()))
				.withMessageStartingWith("invalidation event is not valid JSON");
		}
	}

	@Test
	void acceptsWhitespaceEverywhereJsonAllowsIt() {
		InvalidationEvent event = decode(
				" \r\n\t{ \"topic\" :\n\"t\" ,\t\"revision\"\r: \"9\" , \"x\" : [ 1 , { } , [ ] ] , \"timestampMs\" : 5 }\n ");
		assertThat(event).isEqualTo(new InvalidationEvent("t", Revision.of(9), null, 5L));
	}

	@Test
	void readsTimestampsAsTheParserDoes() {
		assertThat(decode("{\"topic\":\"t\",\"revision\":\"1\",\"timestampMs\":-0}").timestampMs()).isZero();
		assertThat(decode("{\"topic\":\"t\",\"revision\":\"1\",\"timestampMs\":-9223372036854775808}").timestampMs())
			.isEqualTo(Long.MIN_VALUE);
		assertThat(decode("{\"topic\":\"t\",\"revision\":\"1\",\"timestampMs\":9223372036854775807}").timestampMs())
			.isEqualTo(Long.MAX_VALUE);
		for (String number : List.of("9223372036854775808", "-9223372036854775809", "1e3", "1E+3", "1.0", "-0.0",
				"12345678901234567890123")) {
			assertThat(decode("{\"topic\":\"t\",\"revision\":\"1\",\"timestampMs\":" + number + "}").timestampMs())
				.as(number)
				.isNull();
		}
		for (String number : List.of("01", "+1", ".5", "1.", "1e", "-", "1x", "0x10", "NaN", "Infinity")) {
			assertThatExceptionOfType(ProtocolException.class)
				.isThrownBy(() -> decode("{\"topic\":\"t\",\"revision\":\"1\",\"timestampMs\":" + number + "}"))
				.as(number)
				.withMessageStartingWith("invalidation event is not valid JSON");
		}
	}

	@Test
	void skipsNestedUnknownMembersWhoseStringsHoldEscapesAndBrackets() {
		InvalidationEvent event = decode("{\"x\":{\"a\":[\"}\\\"]\",{\"b\":[[],{}]}],\"c\":\"\\\\\"},\"topic\":\"t\","
				+ "\"y\":[true,false,null,-1.5e-3,\"{\"],\"revision\":\"2\"}");
		assertThat(event).isEqualTo(InvalidationEvent.of("t", Revision.of(2)));
	}

	@Test
	void refusesUnknownMembersNestedDeeperThanTheLimit() {
		// the codec's limit is 8 levels, the event's own object being the first
		String seven = "[".repeat(7) + "]".repeat(7);
		assertThat(decode("{\"x\":" + seven + ",\"topic\":\"t\",\"revision\":\"1\"}").topic()).isEqualTo("t");
		String eight = "[".repeat(8) + "]".repeat(8);
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode("{\"x\":" + eight + ",\"topic\":\"t\",\"revision\":\"1\"}"))
			.withMessageContaining("nesting depth");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode("{\"topic\":\"t\",\"revision\":\"1\",\"data\":" + eight + "}"))
			.withMessageContaining("nesting depth");
	}

	@Test
	void decodesEventsNestedDeeperThanTheScannerFollowsWithTheParser() {
		JacksonSyncCodec deep = new JacksonSyncCodec(JsonMapper.builder().build(), 1024 * 1024, 2000);
		String nested = "[".repeat(1500) + "]".repeat(1500);
		byte[] payload = ("{\"x\":" + nested + ",\"topic\":\"t\",\"revision\":\"1\",\"data\":" + nested + "}")
			.getBytes(StandardCharsets.UTF_8);
		assertThat(new EventScanner(payload, 2000, new StringCache()).scan()).isFalse();
		InvalidationEvent event = deep.decodeEvent(payload);
		assertThat(event.topic()).isEqualTo("t");
		assertThat(event.data()).isInstanceOf(JsonNode.class);
	}

	@Test
	void refusesEveryTruncationOfAnEvent() {
		String json = "{\"topic\":\"t\\u0041\",\"revision\":\"12\",\"sourceId\":\"n\",\"timestampMs\":17,"
				+ "\"data\":{\"a\":[1,\"x\"]}}";
		assertThat(decode(json).topic()).isEqualTo("tA");
		for (int length = 0; length < json.length(); length++) {
			String truncated = json.substring(0, length);
			assertThatExceptionOfType(ProtocolException.class).as(truncated)
				.isThrownBy(() -> decode(truncated))
				.withMessageStartingWith("invalidation event");
		}
	}

	@Test
	void refusesContentAfterTheObject() {
		for (String garbage : List.of("x", "}", ",", "{}", "null", "\u0000", "/* */")) {
			assertThatExceptionOfType(ProtocolException.class)
				.isThrownBy(() -> decode("{\"topic\":\"t\",\"revision\":\"1\"}" + garbage))
				.as(garbage)
				.withMessageStartingWith("invalidation event is not valid JSON");
		}
	}

	@Test
	void decodesAnEventAfterAByteOrderMarkAsTheParserDoes() {
		byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
		byte[] json = "{\"topic\":\"t\",\"revision\":\"1\"}".getBytes(StandardCharsets.UTF_8);
		byte[] payload = new byte[bom.length + json.length];
		System.arraycopy(bom, 0, payload, 0, bom.length);
		System.arraycopy(json, 0, payload, bom.length, json.length);
		assertThat(outcome(this.codec, payload, true)).isEqualTo(outcome(this.codec, payload, false));
	}

	@Test
	void checksRevisionsAtTheLimitsOfTheUnsigned64BitRange() {
		assertThat(decode("{\"topic\":\"t\",\"revision\":\"18446744073709551615\"}").revision())
			.isEqualTo(Revision.MAX);
		assertThat(decode("{\"topic\":\"t\",\"revision\":\"0\"}").revision()).isEqualTo(Revision.ZERO);
		assertThat(decode("{\"topic\":\"t\",\"revision\":\"9223372036854775808\"}").revision().longValue())
			.isEqualTo(Long.MIN_VALUE);
		assertThat(decode("{\"topic\":\"t\",\"revision\":\"\\u0034\\u0032\"}").revision()).isEqualTo(Revision.of(42));
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode("{\"topic\":\"t\",\"revision\":\"18446744073709551616\"}"))
			.withMessage("invalidation event for topic 't': revision \"18446744073709551616\" exceeds the unsigned "
					+ "64-bit maximum 18446744073709551615");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode("{\"topic\":\"t\",\"revision\":\"100000000000000000000\"}"))
			.withMessageContaining("exceeds the unsigned 64-bit maximum");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode("{\"topic\":\"t\",\"revision\":\"00\"}"))
			.withMessageContaining("leading zeros are not allowed");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode("{\"topic\":\"t\",\"revision\":\" 1\"}"))
			.withMessageContaining("only the decimal digits");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode("{\"topic\":\"t\",\"revision\":\"\"}"))
			.withMessage("invalidation event for topic 't': revision is empty");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode("{\"topic\":\"t\"}"))
			.withMessage("invalidation event for topic 't': revision is missing");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode("{\"topic\":\" \",\"revision\":\"1\"}"))
			.withMessage("topic must not be blank");
	}

	@Test
	void letsTheLastOfDuplicateMembersWin() {
		assertThat(decode("{\"topic\":\"a\",\"revision\":\"1\",\"topic\":\"b\",\"revision\":\"2\",\"sourceId\":\"s\","
				+ "\"sourceId\":3,\"timestampMs\":4,\"timestampMs\":\"x\",\"data\":{},\"data\":null}"))
			.isEqualTo(InvalidationEvent.of("b", Revision.of(2)));
		assertThat(decode("{\"topic\":[1],\"topic\":\"b\",\"revision\":\"2\"}").topic()).isEqualTo("b");
		assertThat(decode("{\"top\\u0069c\":\"escaped\",\"revision\":\"2\"}").topic()).isEqualTo("escaped");
	}

	@Test
	void decodesRepeatedTopicNamesToOneString() {
		String first = decode("{\"topic\":\"settings\",\"revision\":\"1\"}").topic();
		String second = decode("{\"topic\":\"settings\",\"revision\":\"2\"}").topic();
		assertThat(second).isEqualTo("settings").isSameAs(first);
		assertThat(decode("{\"topic\":\"other\",\"revision\":\"2\"}").topic()).isEqualTo("other");
	}

	@Test
	void agreesWithTheParserOnGeneratedEvents() {
		Random random = new Random(18);
		int scanned = 0;
		int generated = 50_000;
		for (int i = 0; i < generated; i++) {
			byte[] payload = mutate(random, generate(random).getBytes(StandardCharsets.UTF_8));
			assertThat(outcome(this.codec, payload, true))
				.as(() -> new String(payload, StandardCharsets.UTF_8) + java.util.HexFormat.of().formatHex(payload))
				.isEqualTo(outcome(this.codec, payload, false));
			if (new EventScanner(payload, 8, new StringCache()).scan()) {
				scanned++;
			}
		}
		// the comparison means something only if the scanner decided many of them
		assertThat(scanned).isGreaterThan(generated / 3);
	}

	private static final List<String> STRINGS = List.of("\"settings\"", "\"t\"", "\"\"", "\" \"", "\"a\\\"b\"",
			"\"\\u00e9\\/\\\\\"", "\"caf\u00e9\"", "\"\u8a2d\u5b9a\"", "\"\ud83d\ude80\"", "\"\\ud83d\"", "\"\\n\\r\"");

	private static final List<String> REVISIONS = List.of("\"42\"", "\"0\"", "\"007\"", "\"18446744073709551615\"",
			"\"18446744073709551616\"", "\"9223372036854775807\"", "\"\\u0034\"", "\"-1\"", "\"\"", "42", "null",
			"\"1 \"", "[\"1\"]");

	private static final List<String> VALUES = List.of("1764000000000", "-0", "1e3", "1.25", "-1.5E-2",
			"99999999999999999999", "-9223372036854775808", "9223372036854775808", "true", "false", "null", "{}", "[]",
			"{\"a\":[1,{\"b\":\"}\"}]}", "[[[[[[1]]]]]]", "[[[[[[[[1]]]]]]]]", "\"x\"", "\"\\\"{\"");

	private static final List<String> NAMES = List.of("\"topic\"", "\"revision\"", "\"sourceId\"", "\"timestampMs\"",
			"\"data\"", "\"top\\u0069c\"", "\"x\"", "\"\"", "\"Topic\"");

	private static String generate(Random random) {
		List<String> members = new ArrayList<>();
		members.add("\"topic\":" + pick(random, STRINGS, random.nextInt(8) == 0 ? VALUES : STRINGS));
		members.add("\"revision\":" + pick(random, REVISIONS, REVISIONS));
		if (random.nextBoolean()) {
			members.add("\"sourceId\":" + pick(random, STRINGS, VALUES));
		}
		if (random.nextBoolean()) {
			members.add("\"timestampMs\":" + pick(random, VALUES, VALUES));
		}
		if (random.nextInt(3) == 0) {
			members.add("\"data\":" + pick(random, VALUES, STRINGS));
		}
		for (int extra = random.nextInt(3); extra > 0; extra--) {
			members.add(NAMES.get(random.nextInt(NAMES.size())) + ":" + pick(random, VALUES, STRINGS));
		}
		Collections.shuffle(members, random);
		StringBuilder json = new StringBuilder(space(random)).append('{');
		for (int i = 0; i < members.size(); i++) {
			json.append((i > 0) ? "," : "").append(space(random)).append(members.get(i)).append(space(random));
		}
		return json.append('}').append(space(random)).toString();
	}

	private static String pick(Random random, List<String> usually, List<String> sometimes) {
		List<String> from = (random.nextInt(5) == 0) ? sometimes : usually;
		return from.get(random.nextInt(from.size()));
	}

	private static String space(Random random) {
		return switch (random.nextInt(6)) {
			case 0 -> " ";
			case 1 -> "\n\t";
			case 2 -> "\r ";
			default -> "";
		};
	}

	private static final byte[] NOISE = "{}[]\":,\\ 0e-.tnu\u00e9\t\u0000x".getBytes(StandardCharsets.UTF_8);

	private static byte[] mutate(Random random, byte[] json) {
		int at = random.nextInt(json.length);
		return switch (random.nextInt(8)) {
			case 0 -> java.util.Arrays.copyOf(json, at);
			case 1 -> {
				byte[] shorter = new byte[json.length - 1];
				System.arraycopy(json, 0, shorter, 0, at);
				System.arraycopy(json, at + 1, shorter, at, json.length - at - 1);
				yield shorter;
			}
			case 2 -> {
				byte[] longer = new byte[json.length + 1];
				System.arraycopy(json, 0, longer, 0, at);
				longer[at] = NOISE[random.nextInt(NOISE.length)];
				System.arraycopy(json, at, longer, at + 1, json.length - at);
				yield longer;
			}
			case 3 -> {
				byte[] changed = json.clone();
				changed[at] = NOISE[random.nextInt(NOISE.length)];
				yield changed;
			}
			default -> json;
		};
	}

	/**
	 * What decoding a payload gives: the event, or the exception's class and message.
	 */
	private static Object outcome(JacksonSyncCodec codec, byte[] payload, boolean scanner) {
		try {
			return scanner ? codec.decodeEvent(payload) : codec.decodeEventWithParser(payload);
		}
		catch (RuntimeException ex) {
			return ex.getClass().getName() + ": " + ex.getMessage();
		}
	}

	private void assertAgreesWithParser(String json) {
		byte[] payload = json.getBytes(StandardCharsets.UTF_8);
		assertThat(outcome(this.codec, payload, true)).isEqualTo(outcome(this.codec, payload, false));
	}

	private InvalidationEvent decode(String json) {
		return this.codec.decodeEvent(json.getBytes(StandardCharsets.UTF_8));
	}

}
