package io.github.statesync.jackson;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings events repeat (topic names, node ids), kept by their bytes so that decoding
 * the same name again allocates nothing: a small direct-mapped table of immutable
 * entries, shared by every thread without locks (an entry is published whole or not seen,
 * and a miss only costs the allocation it would have cost anyway). Only short ASCII
 * strings are kept; the table never grows.
 *
 * @author statesync
 */
final class StringCache {

	private static final int SIZE = 256;

	/** Longest string kept, in bytes. */
	static final int MAX_LENGTH = 64;

	private final Entry[] entries = new Entry[SIZE];

	/**
	 * Return the string of ASCII bytes, from the cache when it holds it.
	 * @param bytes the bytes
	 * @param start the first byte
	 * @param end after the last byte
	 * @return the string
	 */
	String get(byte[] bytes, int start, int end) {
		int length = end - start;
		if (length > MAX_LENGTH) {
			return new String(bytes, start, length, StandardCharsets.ISO_8859_1);
		}
		int hash = length;
		for (int i = start; i < end; i++) {
			hash = 31 * hash + bytes[i];
		}
		int index = (hash ^ (hash >>> 16)) & (SIZE - 1);
		Entry entry = this.entries[index];
		if (entry != null && Arrays.equals(entry.bytes, 0, entry.bytes.length, bytes, start, end)) {
			return entry.value;
		}
		String value = new String(bytes, start, length, StandardCharsets.ISO_8859_1);
		this.entries[index] = new Entry(Arrays.copyOfRange(bytes, start, end), value);
		return value;
	}

	private record Entry(byte[] bytes, String value) {

	}

}
