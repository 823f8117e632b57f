package io.github.statesync.core.history;

/**
 * How much history a topic keeps: at most {@code maxEntries} entries and at most
 * {@code maxBytes} bytes of them (the newest entry is always kept, even alone over the
 * byte bound). Older entries are dropped by the write that adds a new one.
 *
 * @param maxEntries the most entries kept; {@code 0} keeps no history
 * @param maxBytes the most bytes the entries take together (their envelopes and metadata
 * as stored)
 * @author statesync
 * @since 0.1.0
 */
public record HistoryRetention(int maxEntries, long maxBytes) {

	/** No history. */
	public static final HistoryRetention NONE = new HistoryRetention(0, 0);

	/**
	 * Create a retention.
	 * @throws IllegalArgumentException if a bound is negative
	 */
	public HistoryRetention {
		if (maxEntries < 0 || maxBytes < 0) {
			throw new IllegalArgumentException(
					"history bounds must not be negative, were " + maxEntries + " entries and " + maxBytes + " bytes");
		}
	}

	/**
	 * Return whether any history is kept.
	 * @return {@code true} if at least one entry is kept
	 */
	public boolean isEnabled() {
		return this.maxEntries > 0;
	}

}
