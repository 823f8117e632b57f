package io.github.statesync.redis;

import java.util.Map;

/**
 * The state the Redis transport tests sync: a small record with a string, a number and a
 * map, so that wrong types in a snapshot's data are detectable.
 *
 * @param theme a name; {@value #POISON} marks data that must never be applied
 * @param maxUploadMb a number, also used as a counter
 * @param features a map
 */
record Settings(String theme, int maxUploadMb, Map<String, Boolean> features) {

	/** The theme of data stored only inside malformed snapshots. */
	static final String POISON = "POISON";

	/**
	 * The data of a malformed snapshot, as JSON: applying it is an invariant violation.
	 */
	static final String POISON_JSON = "{\"theme\":\"" + POISON + "\",\"maxUploadMb\":1,\"features\":{}}";

	static Settings of(String theme, int maxUploadMb) {
		return new Settings(theme, maxUploadMb, Map.of());
	}

}
