package io.github.statesync.core.archive;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SyncCodec;

/**
 * A codec for tests whose snapshot data is a string without quotes or backslashes, so
 * that core needs no JSON library.
 */
final class StringDataCodec implements SyncCodec {

	private static final Pattern ENVELOPE = Pattern
		.compile("\\{\"revision\":\"([^\"]*)\",(?:\"schemaVersion\":([0-9]+),)?\"data\":\"([^\"\\\\]*)\"}");

	@Override
	public InvalidationEvent decodeEvent(byte[] payload) {
		throw new UnsupportedOperationException("snapshots only");
	}

	@Override
	public byte[] encodeEvent(InvalidationEvent event) {
		throw new UnsupportedOperationException("snapshots only");
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> SnapshotEnvelope<T> decodeSnapshot(byte[] payload, Type dataType) {
		Matcher matcher = ENVELOPE.matcher(new String(payload, StandardCharsets.UTF_8));
		if (!matcher.matches()) {
			throw new ProtocolException("not a string snapshot envelope");
		}
		SnapshotEnvelope<T> envelope = (SnapshotEnvelope<T>) SnapshotEnvelope.parse(matcher.group(1), matcher.group(3));
		return (matcher.group(2) != null) ? envelope.withSchemaVersion(Integer.parseInt(matcher.group(2))) : envelope;
	}

	@Override
	public byte[] encodeData(Object data) {
		String text = (String) data;
		if (text.contains("\"") || text.contains("\\")) {
			throw new IllegalArgumentException("quotes and backslashes are not supported");
		}
		return ("\"" + text + "\"").getBytes(StandardCharsets.UTF_8);
	}

}
