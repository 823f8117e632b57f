package io.github.statesync.benchmarks.support;

import tools.jackson.databind.json.JsonMapper;

/**
 * The documents the hand-written baselines store and send: a snapshot envelope
 * {@code {"revision":"<i>","data":<BenchState>}}, encoded with Jackson like statesync's,
 * and read back with the least work possible (a scan for {@code "sequence":}, no JSON
 * parse), since the baselines stand for what any design must at least do.
 *
 * @author statesync
 */
public final class Documents {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final String SEQUENCE = "\"sequence\":";

	private Documents() {
	}

	/**
	 * Encode the envelope of write {@code sequence}.
	 * @param sequence the write's index, also its revision
	 * @return the JSON document
	 */
	public static String envelope(long sequence) {
		return "{\"revision\":\"" + sequence + "\",\"data\":"
				+ mapper.writeValueAsString(BenchState.forSequence(sequence)) + "}";
	}

	/**
	 * Read the write index out of a document.
	 * @param document the JSON document
	 * @return its {@code sequence}, or {@code -1} if it has none
	 */
	public static long sequenceOf(String document) {
		int start = document.indexOf(SEQUENCE);
		if (start < 0) {
			return -1;
		}
		long value = 0;
		for (int i = start + SEQUENCE.length(); i < document.length(); i++) {
			char c = document.charAt(i);
			if (c < '0' || c > '9') {
				break;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
