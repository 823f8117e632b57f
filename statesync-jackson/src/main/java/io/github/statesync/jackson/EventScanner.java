package io.github.statesync.jackson;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Reads the members of an invalidation event straight from its bytes, without a Jackson
 * parser: {@code topic}, {@code revision}, {@code sourceId}, {@code timestampMs} and
 * where the optional {@code data} is, every other member skipped. It accepts a strict
 * subset of what Jackson accepts (RFC 8259 JSON in UTF-8 without a byte order mark,
 * within the codec's nesting limit) and reads it as the Jackson path does (the last of
 * duplicate members wins); anything else (malformed or unusual JSON, a member of the
 * wrong kind, a limit reached) makes {@link #scan()} answer {@code false}, and the codec
 * decodes the payload with Jackson instead, which accepts it or names what is wrong. So
 * the scanner never decides an error, only the common case.
 *
 * @author statesync
 */
final class EventScanner {

	/** Jackson's default longest number, in characters. */
	private static final int MAX_NUMBER_LENGTH = 1000;

	/**
	 * Deepest nesting the scanner follows (it recurses); deeper events, allowed by a
	 * larger codec limit, go to Jackson's parser.
	 */
	private static final int MAX_SCANNED_DEPTH = 128;

	/** Jackson's default longest member name, in bytes. */
	private static final int MAX_NAME_LENGTH = 50_000;

	private static final byte[] TOPIC = ascii("topic");

	private static final byte[] REVISION = ascii("revision");

	private static final byte[] SOURCE_ID = ascii("sourceId");

	private static final byte[] TIMESTAMP_MS = ascii("timestampMs");

	private static final byte[] DATA = ascii("data");

	private static final byte[] U64_MAX = ascii("18446744073709551615");

	private static final int OTHER = 0;

	private static final int MEMBER_TOPIC = 1;

	private static final int MEMBER_REVISION = 2;

	private static final int MEMBER_SOURCE_ID = 3;

	private static final int MEMBER_TIMESTAMP_MS = 4;

	private static final int MEMBER_DATA = 5;

	private final byte[] in;

	private final int maxDepth;

	private final StringCache strings;

	private int pos;

	/** The content of the last string scanned: from its first byte... */
	private int stringStart;

	/** ...to its closing quote. */
	private int stringEnd;

	/** Whether the last string scanned is ASCII without escapes. */
	private boolean stringPlain;

	/** Whether the last number scanned has no fraction and no exponent. */
	private boolean numberIntegral;

	@Nullable String topic;

	/** The revision's text when it is not plain canonical digits, else {@code null}. */
	@Nullable String revisionText;

	/** The revision's unsigned value, when {@link #hasRevision} and no text. */
	long revision;

	boolean hasRevision;

	@Nullable String sourceId;

	@Nullable Long timestampMs;

	/** Where the last non-null {@code data} value starts, or {@code -1}. */
	int dataStart = -1;

	/** Where that value ends (exclusive). */
	int dataEnd;

	EventScanner(byte[] in, int maxDepth, StringCache strings) {
		this.in = in;
		this.maxDepth = maxDepth;
		this.strings = strings;
	}

	/**
	 * Read the event.
	 * @return {@code true} if the payload is one valid JSON object (surrounded only by
	 * white space) whose members were read, {@code false} if the scanner cannot vouch for
	 * it
	 */
	boolean scan() {
		skipWhitespace();
		if (!consume('{')) {
			return false;
		}
		skipWhitespace();
		if (!consume('}')) {
			do {
				skipWhitespace();
				if (!member()) {
					return false;
				}
				skipWhitespace();
			}
			while (consume(','));
			if (!consume('}')) {
				return false;
			}
		}
		skipWhitespace();
		return this.pos == this.in.length;
	}

	private boolean member() {
		if (peek() != '"' || !scanString()) {
			return false;
		}
		int name = memberName();
		if (name < 0) {
			return false;
		}
		skipWhitespace();
		if (!consume(':')) {
			return false;
		}
		skipWhitespace();
		return switch (name) {
			case MEMBER_TOPIC -> topic();
			case MEMBER_REVISION -> revision();
			case MEMBER_SOURCE_ID -> sourceId();
			case MEMBER_TIMESTAMP_MS -> timestampMs();
			case MEMBER_DATA -> data();
			default -> skipValue(1);
		};
	}

	private int memberName() {
		int start = this.stringStart;
		int end = this.stringEnd;
		if (end - start > MAX_NAME_LENGTH) {
			return -1;
		}
		if (!this.stringPlain) {
			return switch (decode(start, end)) {
				case "topic" -> MEMBER_TOPIC;
				case "revision" -> MEMBER_REVISION;
				case "sourceId" -> MEMBER_SOURCE_ID;
				case "timestampMs" -> MEMBER_TIMESTAMP_MS;
				case "data" -> MEMBER_DATA;
				default -> OTHER;
			};
		}
		if (is(TOPIC, start, end)) {
			return MEMBER_TOPIC;
		}
		if (is(REVISION, start, end)) {
			return MEMBER_REVISION;
		}
		if (is(SOURCE_ID, start, end)) {
			return MEMBER_SOURCE_ID;
		}
		if (is(TIMESTAMP_MS, start, end)) {
			return MEMBER_TIMESTAMP_MS;
		}
		return is(DATA, start, end) ? MEMBER_DATA : OTHER;
	}

	private boolean topic() {
		if (literal((byte) 'n')) {
			this.topic = null;
			return true;
		}
		// a topic that is not a string: Jackson names its kind
		if (peek() != '"' || !scanString()) {
			return false;
		}
		this.topic = string();
		return true;
	}

	private boolean revision() {
		if (literal((byte) 'n')) {
			this.hasRevision = false;
			this.revisionText = null;
			return true;
		}
		if (peek() != '"' || !scanString()) {
			return false;
		}
		this.hasRevision = true;
		int start = this.stringStart;
		int end = this.stringEnd;
		if (this.stringPlain && isCanonical(start, end)) {
			long value = 0;
			for (int i = start; i < end; i++) {
				// wraps above Long.MAX_VALUE, which is exactly the unsigned encoding
				value = value * 10 + (this.in[i] - '0');
			}
			this.revision = value;
			this.revisionText = null;
		}
		else {
			// not canonical: Revision.parse names what is wrong with it
			this.revisionText = decode(start, end);
		}
		return true;
	}

	private boolean isCanonical(int start, int end) {
		int length = end - start;
		if (length == 0 || length > U64_MAX.length || (length > 1 && this.in[start] == '0')) {
			return false;
		}
		for (int i = start; i < end; i++) {
			if (this.in[i] < '0' || this.in[i] > '9') {
				return false;
			}
		}
		return length < U64_MAX.length || Arrays.compare(this.in, start, end, U64_MAX, 0, U64_MAX.length) <= 0;
	}

	private boolean sourceId() {
		if (peek() == '"') {
			if (!scanString()) {
				return false;
			}
			this.sourceId = string();
			return true;
		}
		this.sourceId = null;
		return skipValue(1);
	}

	private boolean timestampMs() {
		byte first = peek();
		if (first != '-' && (first < '0' || first > '9')) {
			this.timestampMs = null;
			return skipValue(1);
		}
		int start = this.pos;
		if (!scanNumber()) {
			return false;
		}
		this.timestampMs = this.numberIntegral ? longOrNull(start, this.pos) : null;
		return true;
	}

	/**
	 * Read an integer that fits a {@code long}, as Jackson's {@code INT} and {@code LONG}
	 * number types; a larger one is {@code null} (Jackson's {@code BIG_INTEGER}).
	 */
	private @Nullable Long longOrNull(int start, int end) {
		boolean negative = this.in[start] == '-';
		int from = negative ? start + 1 : start;
		if (end - from > 19) {
			return null;
		}
		// accumulate negatively, so Long.MIN_VALUE fits
		long value = 0;
		for (int i = from; i < end; i++) {
			int digit = this.in[i] - '0';
			if (value < (Long.MIN_VALUE + digit) / 10) {
				return null;
			}
			value = value * 10 - digit;
		}
		if (!negative) {
			if (value == Long.MIN_VALUE) {
				return null;
			}
			value = -value;
		}
		return value;
	}

	private boolean data() {
		if (literal((byte) 'n')) {
			this.dataStart = -1;
			return true;
		}
		int start = this.pos;
		if (!skipValue(1)) {
			return false;
		}
		this.dataStart = start;
		this.dataEnd = this.pos;
		return true;
	}

	/**
	 * Skip a value inside a container at the given depth.
	 */
	private boolean skipValue(int depth) {
		byte first = peek();
		switch (first) {
			case '"':
				return scanString();
			case '{':
				return skipObject(depth + 1);
			case '[':
				return skipArray(depth + 1);
			case 't':
			case 'f':
			case 'n':
				return literal(first);
			default:
				return (first == '-' || (first >= '0' && first <= '9')) && scanNumber();
		}
	}

	private boolean skipObject(int depth) {
		if (depth > this.maxDepth || depth > MAX_SCANNED_DEPTH) {
			return false;
		}
		this.pos++;
		skipWhitespace();
		if (consume('}')) {
			return true;
		}
		do {
			skipWhitespace();
			if (peek() != '"' || !scanString() || this.stringEnd - this.stringStart > MAX_NAME_LENGTH) {
				return false;
			}
			skipWhitespace();
			if (!consume(':')) {
				return false;
			}
			skipWhitespace();
			if (!skipValue(depth)) {
				return false;
			}
			skipWhitespace();
		}
		while (consume(','));
		return consume('}');
	}

	private boolean skipArray(int depth) {
		if (depth > this.maxDepth || depth > MAX_SCANNED_DEPTH) {
			return false;
		}
		this.pos++;
		skipWhitespace();
		if (consume(']')) {
			return true;
		}
		do {
			skipWhitespace();
			if (!skipValue(depth)) {
				return false;
			}
			skipWhitespace();
		}
		while (consume(','));
		return consume(']');
	}

	/**
	 * Match {@code true}, {@code false} or {@code null} (by its first letter), followed
	 * by a byte that ends a value.
	 */
	private boolean literal(byte first) {
		String word = switch (first) {
			case 't' -> "true";
			case 'f' -> "false";
			case 'n' -> "null";
			default -> null;
		};
		if (word == null || this.pos + word.length() > this.in.length) {
			return false;
		}
		for (int i = 0; i < word.length(); i++) {
			if (this.in[this.pos + i] != word.charAt(i)) {
				return false;
			}
		}
		int after = this.pos + word.length();
		if (after < this.in.length && !endsValue(this.in[after])) {
			return false;
		}
		this.pos = after;
		return true;
	}

	/**
	 * Scan a number by the JSON grammar
	 * ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}), followed by a byte that
	 * ends a value.
	 */
	private boolean scanNumber() {
		int start = this.pos;
		int i = start;
		byte[] in = this.in;
		if (i < in.length && in[i] == '-') {
			i++;
		}
		if (i >= in.length || !isDigit(in[i])) {
			return false;
		}
		if (in[i] == '0') {
			i++;
		}
		else {
			while (i < in.length && isDigit(in[i])) {
				i++;
			}
		}
		boolean integral = true;
		if (i < in.length && in[i] == '.') {
			integral = false;
			i++;
			int digits = i;
			while (i < in.length && isDigit(in[i])) {
				i++;
			}
			if (i == digits) {
				return false;
			}
		}
		if (i < in.length && (in[i] == 'e' || in[i] == 'E')) {
			integral = false;
			i++;
			if (i < in.length && (in[i] == '+' || in[i] == '-')) {
				i++;
			}
			int digits = i;
			while (i < in.length && isDigit(in[i])) {
				i++;
			}
			if (i == digits) {
				return false;
			}
		}
		if (i - start > MAX_NUMBER_LENGTH || (i < in.length && !endsValue(in[i]))) {
			return false;
		}
		this.numberIntegral = integral;
		this.pos = i;
		return true;
	}

	/**
	 * Scan a string from its opening quote to after its closing one, checking its escapes
	 * and its UTF-8; leaves its content's range and whether it is plain.
	 */
	private boolean scanString() {
		byte[] in = this.in;
		int i = this.pos + 1;
		int start = i;
		while (i < in.length) {
			byte b = in[i];
			if (b == '"') {
				this.stringStart = start;
				this.stringEnd = i;
				this.stringPlain = true;
				this.pos = i + 1;
				return true;
			}
			if (b < 0x20 || b == '\\') {
				// a control character, an escape or a byte of a multi-byte character
				break;
			}
			i++;
		}
		while (i < in.length) {
			int b = in[i] & 0xFF;
			if (b == '"') {
				this.stringStart = start;
				this.stringEnd = i;
				this.stringPlain = false;
				this.pos = i + 1;
				return true;
			}
			if (b < 0x20) {
				return false;
			}
			if (b == '\\') {
				if (i + 1 >= in.length) {
					return false;
				}
				byte escaped = in[i + 1];
				if (escaped == 'u') {
					if (i + 6 > in.length) {
						return false;
					}
					for (int h = i + 2; h < i + 6; h++) {
						if (Character.digit(in[h], 16) < 0) {
							return false;
						}
					}
					i += 6;
				}
				else if (escape(escaped) >= 0) {
					i += 2;
				}
				else {
					return false;
				}
			}
			else if (b < 0x80) {
				i++;
			}
			else {
				int length = utf8Length(in, i);
				if (length < 0) {
					return false;
				}
				i += length;
			}
		}
		return false;
	}

	/**
	 * Return the length of the well-formed UTF-8 sequence at an index (no overlong forms,
	 * no surrogates, nothing above U+10FFFF), or {@code -1}.
	 */
	private static int utf8Length(byte[] in, int i) {
		int b = in[i] & 0xFF;
		int length;
		int min;
		int codePoint;
		if (b >= 0xC2 && b <= 0xDF) {
			length = 2;
			min = 0x80;
			codePoint = b & 0x1F;
		}
		else if (b >= 0xE0 && b <= 0xEF) {
			length = 3;
			min = 0x800;
			codePoint = b & 0x0F;
		}
		else if (b >= 0xF0 && b <= 0xF4) {
			length = 4;
			min = 0x10000;
			codePoint = b & 0x07;
		}
		else {
			return -1;
		}
		if (i + length > in.length) {
			return -1;
		}
		for (int k = 1; k < length; k++) {
			int next = in[i + k] & 0xFF;
			if ((next & 0xC0) != 0x80) {
				return -1;
			}
			codePoint = (codePoint << 6) | (next & 0x3F);
		}
		if (codePoint < min || codePoint > Character.MAX_CODE_POINT
				|| (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE)) {
			return -1;
		}
		return length;
	}

	/** The value of the last string scanned. */
	private String string() {
		return this.stringPlain ? this.strings.get(this.in, this.stringStart, this.stringEnd)
				: decode(this.stringStart, this.stringEnd);
	}

	/**
	 * Decode a string's content that {@link #scanString()} found well-formed.
	 */
	private String decode(int start, int end) {
		byte[] in = this.in;
		int firstEscape = start;
		while (firstEscape < end && in[firstEscape] != '\\') {
			firstEscape++;
		}
		if (firstEscape == end) {
			return new String(in, start, end - start, StandardCharsets.UTF_8);
		}
		StringBuilder text = new StringBuilder(end - start);
		text.append(new String(in, start, firstEscape - start, StandardCharsets.UTF_8));
		int i = firstEscape;
		while (i < end) {
			byte b = in[i];
			if (b == '\\') {
				byte escaped = in[i + 1];
				if (escaped == 'u') {
					text.append((char) Integer.parseInt(new String(in, i + 2, 4, StandardCharsets.US_ASCII), 16));
					i += 6;
				}
				else {
					text.append((char) escape(escaped));
					i += 2;
				}
			}
			else {
				int run = i;
				while (run < end && in[run] != '\\') {
					run++;
				}
				text.append(new String(in, i, run - i, StandardCharsets.UTF_8));
				i = run;
			}
		}
		return text.toString();
	}

	/** The character a one-letter escape stands for, or {@code -1}. */
	private static int escape(byte escaped) {
		return switch (escaped) {
			case '"' -> '"';
			case '\\' -> '\\';
			case '/' -> '/';
			case 'b' -> '\b';
			case 'f' -> '\f';
			case 'n' -> '\n';
			case 'r' -> '\r';
			case 't' -> '\t';
			default -> -1;
		};
	}

	private boolean is(byte[] name, int start, int end) {
		return end - start == name.length && Arrays.equals(this.in, start, end, name, 0, name.length);
	}

	private byte peek() {
		return (this.pos < this.in.length) ? this.in[this.pos] : 0;
	}

	private boolean consume(char expected) {
		if (this.pos < this.in.length && this.in[this.pos] == expected) {
			this.pos++;
			return true;
		}
		return false;
	}

	private void skipWhitespace() {
		byte[] in = this.in;
		int i = this.pos;
		while (i < in.length && (in[i] == ' ' || in[i] == '\n' || in[i] == '\r' || in[i] == '\t')) {
			i++;
		}
		this.pos = i;
	}

	private static boolean endsValue(byte b) {
		return b == ',' || b == '}' || b == ']' || b == ' ' || b == '\n' || b == '\r' || b == '\t';
	}

	private static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
