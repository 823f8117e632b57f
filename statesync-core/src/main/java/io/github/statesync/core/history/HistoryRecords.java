package io.github.statesync.core.history;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * How transports store a history entry as one string, so that the Redis script and the
 * in-JVM transport keep the same bytes and bounds: a header line of tab-separated fields
 * ({@code v1}, revision, previous revision, time in epoch milliseconds, size, digest,
 * operation, node id, principal, rollback-of; text fields URL-encoded, empty when
 * absent), a newline, then the envelope verbatim. The header reads without a JSON parser,
 * which the Redis module does not have.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class HistoryRecords {

	private static final String VERSION = "v1";

	private static final int FIELDS = 10;

	private static final int DIGEST_HEX_DIGITS = 16;

	private HistoryRecords() {
	}

	/**
	 * Return the digest of data, as history entries and audit lines show it.
	 * @param json the data as JSON
	 * @return {@code sha256:} and the first 16 hex digits of its SHA-256
	 */
	public static String digest(byte[] json) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(json);
			StringBuilder text = new StringBuilder("sha256:");
			for (int i = 0; i < DIGEST_HEX_DIGITS / 2; i++) {
				text.append(Character.forDigit((hash[i] >> 4) & 0xF, 16)).append(Character.forDigit(hash[i] & 0xF, 16));
			}
			return text.toString();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

	/**
	 * Return the header fields a writer knows before the store assigns the revision:
	 * size, digest, operation, node id, principal and rollback-of, tab-separated. The
	 * store puts {@code v1}, the revision, the previous revision and the time before
	 * them.
	 * @param size the data's size in bytes
	 * @param digest the data's digest
	 * @param metadata the write's metadata
	 * @param nodeId the writer's node id, or {@code null}
	 * @return the fields
	 */
	public static String writerFields(long size, String digest, WriteMetadata metadata, @Nullable String nodeId) {
		Revision rollbackOf = metadata.rollbackOf();
		return size + "\t" + digest + "\t" + metadata.operation().name() + "\t" + encode(nodeId) + "\t"
				+ encode(metadata.principal()) + "\t" + ((rollbackOf != null) ? rollbackOf.toString() : "");
	}

	/**
	 * Return a whole stored entry, as the Redis script builds it.
	 * @param revision the revision
	 * @param previous the previous revision
	 * @param timeMillis the time in epoch milliseconds
	 * @param writerFields the writer's fields ({@link #writerFields})
	 * @param envelope the envelope as stored
	 * @return the entry
	 */
	public static String format(Revision revision, Revision previous, long timeMillis, String writerFields,
			String envelope) {
		return VERSION + "\t" + revision + "\t" + previous + "\t" + timeMillis + "\t" + writerFields + "\n" + envelope;
	}

	/**
	 * Read a stored entry.
	 * @param stored the entry as stored
	 * @return the entry
	 * @throws ProtocolException if it is not an entry of this format
	 */
	public static HistoryEntry parse(String stored) {
		int newline = stored.indexOf('\n');
		String[] fields = (newline > 0) ? stored.substring(0, newline).split("\t", -1) : new String[0];
		if (fields.length != FIELDS || !VERSION.equals(fields[0])) {
			throw new ProtocolException("not a history entry of format " + VERSION + ": "
					+ stored.substring(0, Math.min(stored.length(), 80)));
		}
		try {
			return new HistoryEntry(Revision.parse(fields[1]), Revision.parse(fields[2]),
					Instant.ofEpochMilli(Long.parseLong(fields[3])), HistoryEntry.Operation.valueOf(fields[6]),
					decode(fields[7]), decode(fields[8]), Long.parseLong(fields[4]), fields[5],
					fields[9].isEmpty() ? null : Revision.parse(fields[9]), stored.substring(newline + 1));
		}
		catch (IllegalArgumentException ex) {
			throw new ProtocolException("malformed history entry header: " + stored.substring(0, newline), ex);
		}
	}

	private static String encode(@Nullable String text) {
		return (text != null) ? URLEncoder.encode(text, StandardCharsets.UTF_8) : "";
	}

	private static @Nullable String decode(String text) {
		return text.isEmpty() ? null : URLDecoder.decode(text, StandardCharsets.UTF_8);
	}

}
