package io.github.statesync.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

import io.github.statesync.core.protocol.Revision;

/**
 * One malformed payload of the bad-input corpus and how a node must refuse it. The
 * payload is built from the revision the node holds ({@code good}), so that every payload
 * would be news if it were accepted: events announce {@code good + 1}, snapshots claim it
 * (with {@link Settings#POISON} data where the data is well formed, so applying one is
 * caught by the applier).
 *
 * @param name what is wrong with it
 * @param refusal how the node refuses it
 * @param payload the payload, given the revision the node holds
 */
record BadInput(String name, Refusal refusal, Function<Revision, byte[]> payload) {

	/** How a node refuses bad input, as the engine reports it. */
	enum Refusal {

		/** An error in phase {@code PROTOCOL} (an event: outcome {@code INVALID}). */
		PROTOCOL,

		/**
		 * A well-formed snapshot older than the revision its event announced: not newer
		 * than the local one, so skipped, and reported in phase {@code FETCH} as a lag
		 * until the retries run out.
		 */
		LAG

	}

	private static final byte[] INVALID_UTF8 = { (byte) 0xFF, (byte) 0xFE, (byte) 0xC3, 0x28, (byte) 0xA0, (byte) 0xA1,
			(byte) 0xE2, 0x28, (byte) 0xA1, 0x00, 0x7B };

	private static final int TEN_MIB = 10 * 1024 * 1024;

	private static final int DEEP = 10_000;

	@Override
	public String toString() {
		return this.name;
	}

	/**
	 * Malformed invalidation events, published raw at the topic's channel.
	 * @return the corpus
	 */
	static List<BadInput> events() {
		return List.of(protocol("not JSON", "not json"), protocol("empty", ""), protocol("JSON array", "[1,2]"),
				protocol("JSON string", "\"settings\""), protocol("JSON number", "42"), protocol("JSON null", "null"),
				protocol("revision is a number", "{\"topic\":\"settings\",\"revision\":%n}"),
				protocol("revision is an object", "{\"topic\":\"settings\",\"revision\":{\"value\":\"%s\"}}"),
				protocol("topic is a number", "{\"topic\":7,\"revision\":\"%s\"}"),
				protocol("null topic and revision", "{\"topic\":null,\"revision\":null}"),
				protocol("null revision", "{\"topic\":\"settings\",\"revision\":null}"),
				protocol("missing revision", "{\"topic\":\"settings\"}"),
				protocol("missing topic", "{\"revision\":\"%s\"}"),
				protocol("blank topic", "{\"topic\":\"  \",\"revision\":\"%s\"}"), protocol("revision \"\"", event("")),
				protocol("revision \"01\"", event("01")), protocol("revision \"-1\"", event("-1")),
				protocol("revision \"1.0\"", event("1.0")), protocol("revision \" 1\"", event(" 1")),
				protocol("revision \"+1\"", event("+1")), protocol("revision \"1e3\"", event("1e3")),
				protocol("revision \"0x10\"", event("0x10")), protocol("revision 2^64", event("18446744073709551616")),
				protocol("revision of 21 nines", event("9".repeat(21))),
				protocol("revision in Arabic-Indic digits", event("١٢")),
				protocol("revision in fullwidth digits", event("１２")),
				new BadInput("10 MiB payload", Refusal.PROTOCOL,
						(good) -> utf8("{\"topic\":\"settings\",\"revision\":\"" + good.next() + "\",\"pad\":\""
								+ "x".repeat(TEN_MIB) + "\"}")),
				new BadInput("nested 10,000 levels", Refusal.PROTOCOL,
						(good) -> utf8("{\"topic\":\"settings\",\"revision\":\"" + good.next() + "\",\"deep\":"
								+ "[".repeat(DEEP) + "]".repeat(DEEP) + "}")),
				new BadInput("nested arrays only", Refusal.PROTOCOL,
						(good) -> utf8("[".repeat(DEEP) + "]".repeat(DEEP))),
				new BadInput("invalid UTF-8 bytes", Refusal.PROTOCOL, (good) -> INVALID_UTF8),
				protocol("unicode garbage", "\u0000\uFFFD\u202E\uD83D\uDCA5{\"topic\":\"settings\"\u2028}"),
				protocol("trailing garbage", "{\"topic\":\"settings\",\"revision\":\"%s\"} trailing"),
				protocol("single quotes", "{'topic':'settings','revision':'%s'}"),
				protocol("comment", "{\"topic\":\"settings\",/* hi */\"revision\":\"%s\"}"),
				protocol("truncated", "{\"topic\":\"settings\",\"revision\":\"%s"),
				new BadInput("another topic", Refusal.PROTOCOL,
						(good) -> utf8("{\"topic\":\"other\",\"revision\":\"" + good.next() + "\"}")),
				new BadInput("topic with a trailing space", Refusal.PROTOCOL,
						(good) -> utf8("{\"topic\":\"settings \",\"revision\":\"" + good.next() + "\"}")));
	}

	/**
	 * Malformed snapshots, stored raw as the topic's snapshot and announced by a valid
	 * invalidation at {@code good + 1}.
	 * @return the corpus
	 */
	static List<BadInput> snapshots() {
		String poison = Settings.POISON_JSON;
		return List.of(protocol("not JSON", "garbage"), protocol("empty", ""), protocol("JSON array", "[1,2]"),
				protocol("JSON string", "\"snapshot\""), protocol("JSON null", "null"),
				protocol("revision is a number", "{\"revision\":%n,\"data\":" + poison + "}"),
				protocol("data of the wrong type", "{\"revision\":\"%s\",\"data\":\"dark\"}"),
				protocol("data field of the wrong type",
						"{\"revision\":\"%s\",\"data\":{\"theme\":\"POISON\",\"maxUploadMb\":\"many\",\"features\":{}}}"),
				protocol("data map of the wrong type",
						"{\"revision\":\"%s\",\"data\":{\"theme\":\"POISON\",\"maxUploadMb\":1,\"features\":[1]}}"),
				protocol("null revision and data", "{\"revision\":null,\"data\":null}"),
				protocol("missing revision", "{\"data\":" + poison + "}"),
				protocol("missing data", "{\"revision\":\"%s\"}"), protocol("revision \"\"", snapshot("")),
				protocol("revision \"01\"", snapshot("01")), protocol("revision \"-1\"", snapshot("-1")),
				protocol("revision \"1.0\"", snapshot("1.0")), protocol("revision \" 1\"", snapshot(" 1")),
				protocol("revision 2^64", snapshot("18446744073709551616")),
				protocol("revision in Arabic-Indic digits", snapshot("١٢")),
				new BadInput("10 MiB payload", Refusal.PROTOCOL,
						(good) -> utf8("{\"revision\":\"" + good.next() + "\",\"data\":{\"theme\":\""
								+ "x".repeat(TEN_MIB) + "\",\"maxUploadMb\":1,\"features\":{}}}")),
				new BadInput("nested 10,000 levels", Refusal.PROTOCOL,
						(good) -> utf8("{\"revision\":\"" + good.next() + "\",\"data\":" + "[".repeat(DEEP)
								+ "]".repeat(DEEP) + "}")),
				new BadInput("invalid UTF-8 bytes", Refusal.PROTOCOL, (good) -> INVALID_UTF8),
				protocol("unicode garbage", "\u0000\uFFFD\u202E\uD83D\uDCA5{\"revision\"\u2028}"),
				protocol("trailing garbage", "{\"revision\":\"%s\",\"data\":" + poison + "} trailing"),
				protocol("non-standard NaN",
						"{\"revision\":\"%s\",\"data\":{\"theme\":\"POISON\",\"maxUploadMb\":NaN,\"features\":{}}}"),
				protocol("truncated", "{\"revision\":\"%s\",\"data\":{\"theme\":\"POISON\""),
				new BadInput("revision older than the event's", Refusal.LAG,
						(good) -> utf8("{\"revision\":\"" + Revision.of(good.longValue() - 1) + "\",\"data\":" + poison
								+ "}")),
				new BadInput("revision equal to the held one, data changed", Refusal.LAG,
						(good) -> utf8("{\"revision\":\"" + good + "\",\"data\":" + poison + "}")));
	}

	/**
	 * A payload from a template in which {@code %s} stands for {@code good + 1} as a
	 * string's content and {@code %n} for it as a bare number.
	 */
	private static BadInput protocol(String name, String template) {
		return new BadInput(name, Refusal.PROTOCOL,
				(good) -> utf8(template.replace("%s", good.next().toString()).replace("%n", good.next().toString())));
	}

	private static String event(String revision) {
		return "{\"topic\":\"settings\",\"revision\":\"" + revision + "\"}";
	}

	private static String snapshot(String revision) {
		return "{\"revision\":\"" + revision + "\",\"data\":" + Settings.POISON_JSON + "}";
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
