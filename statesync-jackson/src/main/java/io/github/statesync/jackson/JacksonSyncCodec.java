package io.github.statesync.jackson;

import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.protocol.Topics;
import io.github.statesync.core.spi.SyncCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A strict {@link SyncCodec} for the state-sync JSON protocol with Jackson 3. Payloads
 * are parsed into a tree by a mapper of its own that enforces the size and nesting
 * limits, then the snapshot data is bound to the requested type by the application's
 * mapper. Plain JSON into the declared type only: this codec never enables polymorphic
 * default typing. Unknown fields are ignored; a revision must be a JSON string, and a
 * snapshot's optional {@code schemaVersion} a whole number from 1 up.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class JacksonSyncCodec implements SyncCodec {

	/** Default largest accepted payload: 1 MiB. */
	public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

	/** Default deepest accepted JSON nesting. */
	public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

	/**
	 * Largest event the scanner reads; larger ones (far above any invalidation, and far
	 * below Jackson's limits on a string's length) go to Jackson's parser.
	 */
	private static final int MAX_SCANNED_BYTES = 1024 * 1024;

	private final JsonMapper dataMapper;

	private final JsonMapper treeMapper;

	private final int maxPayloadBytes;

	private final int maxNestingDepth;

	private final StringCache strings = new StringCache();

	/**
	 * Create a codec with a default mapper and the default limits.
	 */
	public JacksonSyncCodec() {
		this(JsonMapper.builder().build(), DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_NESTING_DEPTH);
	}

	/**
	 * Create a codec.
	 * @param dataMapper the mapper that binds and writes snapshot data
	 * @param maxPayloadBytes the largest accepted payload, in bytes
	 * @param maxNestingDepth the deepest accepted JSON nesting
	 */
	public JacksonSyncCodec(JsonMapper dataMapper, int maxPayloadBytes, int maxNestingDepth) {
		if (maxPayloadBytes < 1 || maxNestingDepth < 2) {
			throw new IllegalArgumentException("maxPayloadBytes must be positive and maxNestingDepth at least 2");
		}
		this.dataMapper = dataMapper;
		this.maxPayloadBytes = maxPayloadBytes;
		this.maxNestingDepth = maxNestingDepth;
		StreamReadConstraints constraints = StreamReadConstraints.builder()
			.maxNestingDepth(maxNestingDepth)
			.maxDocumentLength(maxPayloadBytes)
			.build();
		this.treeMapper = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build()).build();
	}

	@Override
	public int maxPayloadBytes() {
		return this.maxPayloadBytes;
	}

	/**
	 * Decode an event: invalidations are the hot path (one per write per subscriber, most
	 * of them dropped by the revision gate), so a scanner reads their members straight
	 * from the bytes, allocating only what the event holds, and only inline {@code data}
	 * becomes a tree. A payload the scanner does not vouch for (malformed, unusual, a
	 * member of the wrong kind) is decoded by Jackson's streaming parser, which accepts
	 * it or names the problem.
	 */
	@Override
	public InvalidationEvent decodeEvent(byte[] payload) {
		checkSize(payload, "invalidation event");
		if (payload.length <= MAX_SCANNED_BYTES) {
			EventScanner scanner = new EventScanner(payload, this.maxNestingDepth, this.strings);
			if (scanner.scan()) {
				InvalidationEvent event = scanned(scanner, payload);
				if (event != null) {
					return event;
				}
			}
		}
		return decodeEventWithParser(payload);
	}

	/**
	 * Build the event a scan read; its data, if any, is parsed into a tree from its own
	 * slice of the payload.
	 * @return the event, or {@code null} if the data could not be parsed (Jackson's path
	 * then names the problem)
	 * @throws ProtocolException if the event breaks the protocol
	 */
	private @Nullable InvalidationEvent scanned(EventScanner scanner, byte[] payload) {
		JsonNode data = null;
		if (scanner.dataStart >= 0) {
			try {
				data = this.treeMapper.readTree(payload, scanner.dataStart, scanner.dataEnd - scanner.dataStart);
			}
			catch (JacksonException ex) {
				return null;
			}
		}
		if (scanner.hasRevision && scanner.revisionText == null) {
			return new InvalidationEvent(Topics.requireValid(scanner.topic), Revision.of(scanner.revision),
					scanner.sourceId, scanner.timestampMs, data);
		}
		return InvalidationEvent.parse(scanner.topic, scanner.revisionText, scanner.sourceId, scanner.timestampMs,
				data);
	}

	/**
	 * Decode an event with Jackson's streaming parser: the reference the scanner agrees
	 * with, and the path for every payload the scanner does not vouch for.
	 */
	InvalidationEvent decodeEventWithParser(byte[] payload) {
		Member topic = Member.ABSENT;
		Member revision = Member.ABSENT;
		String sourceId = null;
		Long timestampMs = null;
		JsonNode data = null;
		try (JsonParser parser = this.treeMapper.createParser(payload)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new ProtocolException("invalidation event must be a JSON object");
			}
			JsonToken token;
			while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				switch (name) {
					case "topic" -> topic = Member.of(parser, value);
					case "revision" -> revision = Member.of(parser, value);
					case "sourceId" -> sourceId = stringOrNull(parser, value);
					case "timestampMs" -> timestampMs = longOrNull(parser, value);
					case "data" -> data = (value != JsonToken.VALUE_NULL) ? parser.readValueAsTree() : null;
					default -> parser.skipChildren();
				}
			}
			if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
				throw new ProtocolException("invalidation event is not valid JSON: content after its object");
			}
		}
		catch (JacksonException ex) {
			throw new ProtocolException("invalidation event is not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		String validTopic = topic.string("topic", "invalidation event");
		String validRevision = revision.string("revision",
				"invalidation event" + ((validTopic != null) ? " for topic '" + validTopic + "'" : ""));
		return InvalidationEvent.parse(validTopic, validRevision, sourceId, timestampMs, data);
	}

	@Override
	public byte[] encodeEvent(InvalidationEvent event) {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("topic", event.topic());
		fields.put("revision", event.revision().toString());
		if (event.sourceId() != null) {
			fields.put("sourceId", event.sourceId());
		}
		if (event.timestampMs() != null) {
			fields.put("timestampMs", event.timestampMs());
		}
		if (event.data() != null) {
			fields.put("data", event.data());
		}
		return this.treeMapper.writeValueAsBytes(fields);
	}

	@Override
	public <T> SnapshotEnvelope<T> decodeSnapshot(byte[] payload, Type dataType) {
		JsonNode tree = readObject(payload, "snapshot");
		SnapshotEnvelope<T> revisionOnly = SnapshotEnvelope.parse(stringField(tree, "revision", "snapshot"), null);
		Revision revision = revisionOnly.revision();
		// JSON null is data (the applier decides whether it fits); a missing member
		// is not
		JsonNode data = tree.get("data");
		if (data == null) {
			throw new ProtocolException("snapshot at revision " + revision + " has no data");
		}
		return new SnapshotEnvelope<>(revision, bind(data, dataType, revision), payload.length,
				schemaVersion(tree, revision));
	}

	/**
	 * Read the optional {@code schemaVersion} member: absent or {@code null} is version
	 * 1; anything but a whole number from 1 up is a protocol error, never taken for 1.
	 */
	private static int schemaVersion(JsonNode tree, Revision revision) {
		JsonNode node = tree.get("schemaVersion");
		if (node == null || node.isNull()) {
			return SnapshotEnvelope.UNVERSIONED;
		}
		if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < SnapshotEnvelope.UNVERSIONED) {
			throw new ProtocolException("snapshot at revision " + revision
					+ ": schemaVersion must be a whole number from 1 up, was " + node);
		}
		return node.intValue();
	}

	/**
	 * Bind inline data, a {@link JsonNode} this codec decoded, to a type; a
	 * {@code JsonNode} type gets the node itself.
	 */
	@Override
	public <T> T bindInlineData(Object data, Type dataType) {
		if (!(data instanceof JsonNode node)) {
			throw new ProtocolException("inline data must be a JsonNode, was " + data.getClass().getName());
		}
		return bind(node, dataType, null);
	}

	/**
	 * Bind decoded data to a type: a {@code JsonNode} type gets the node itself (it is
	 * this call's own, fresh from the payload), any other type is bound by the data
	 * mapper. The revision names a snapshot's data in an error ({@code null}: inline
	 * data); the message is built only when binding fails.
	 */
	@SuppressWarnings("unchecked")
	private <T> @Nullable T bind(JsonNode data, Type dataType, @Nullable Revision snapshotRevision) {
		if (dataType == JsonNode.class) {
			return (T) data;
		}
		try {
			return this.dataMapper.treeToValue(data, this.dataMapper.constructType(dataType));
		}
		catch (JacksonException ex) {
			String what = (snapshotRevision != null) ? "snapshot at revision " + snapshotRevision + ": data"
					: "inline data";
			throw new ProtocolException(
					what + " does not fit " + dataType.getTypeName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public byte[] encodeData(Object data) {
		try {
			return this.dataMapper.writeValueAsBytes(data);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(
					"Cannot encode " + data.getClass().getName() + " as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	private static @Nullable String stringOrNull(JsonParser parser, JsonToken token) {
		if (token != JsonToken.VALUE_STRING) {
			// an object or array is skipped whole, as an unknown member's value is
			parser.skipChildren();
			return null;
		}
		return parser.getString();
	}

	private static @Nullable Long longOrNull(JsonParser parser, JsonToken token) {
		if (token != JsonToken.VALUE_NUMBER_INT) {
			parser.skipChildren();
			return null;
		}
		JsonParser.NumberType type = parser.getNumberType();
		return (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) ? parser.getLongValue() : null;
	}

	private void checkSize(byte[] payload, String what) {
		if (payload.length > this.maxPayloadBytes) {
			throw new ProtocolException(
					what + " of " + payload.length + " bytes exceeds the limit of " + this.maxPayloadBytes + " bytes");
		}
	}

	private JsonNode readObject(byte[] payload, String what) {
		checkSize(payload, what);
		JsonNode tree;
		try {
			tree = this.treeMapper.readTree(payload);
		}
		catch (JacksonException ex) {
			throw new ProtocolException(what + " is not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		if (tree == null || !tree.isObject()) {
			throw new ProtocolException(what + " must be a JSON object");
		}
		return tree;
	}

	private static @Nullable String stringField(JsonNode tree, String name, String what) {
		JsonNode node = tree.get(name);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw new ProtocolException(what + ": " + name + " must be a JSON string, was " + node.getNodeType());
		}
		return node.stringValue();
	}

	/**
	 * A string member of an event as it was read: its value, or the kind of JSON it was
	 * instead.
	 */
	private record Member(@Nullable String value, @Nullable String wrongKind) {

		static final Member ABSENT = new Member(null, null);

		static Member of(JsonParser parser, JsonToken token) {
			return switch (token) {
				case VALUE_STRING -> new Member(parser.getString(), null);
				case VALUE_NULL -> ABSENT;
				case START_OBJECT, START_ARRAY -> {
					parser.skipChildren();
					yield new Member(null, (token == JsonToken.START_OBJECT) ? "OBJECT" : "ARRAY");
				}
				case VALUE_TRUE, VALUE_FALSE -> new Member(null, "BOOLEAN");
				default -> new Member(null, "NUMBER");
			};
		}

		@Nullable String string(String name, String what) {
			if (this.wrongKind != null) {
				throw new ProtocolException(what + ": " + name + " must be a JSON string, was " + this.wrongKind);
			}
			return this.value;
		}

	}

}
