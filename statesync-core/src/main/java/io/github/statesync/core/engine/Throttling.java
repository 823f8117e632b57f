package io.github.statesync.core.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How invalidations are turned into refreshes. With neither a debounce nor a throttle
 * interval, every accepted invalidation requests a refresh at once (coalescing still
 * bounds the fetches). With a debounce, a refresh waits for that much silence. With a
 * throttle interval, refreshes start at most once per interval, on the leading edge (the
 * first event of a window), the trailing edge (the end of a window that saw events), or
 * both. With both, the debounce comes first and its output is throttled.
 *
 * @param debounce the silence to wait for, or {@code null} for none
 * @param throttle the minimum interval between refreshes, or {@code null} for none
 * @param leading whether the first event of a throttle window refreshes at once
 * @param trailing whether a window that saw events refreshes at its end
 * @author statesync
 * @since 0.1.0
 */
public record Throttling(@Nullable Duration debounce, @Nullable Duration throttle, boolean leading, boolean trailing) {

	/** No debounce, no throttle. */
	public static final Throttling NONE = new Throttling(null, null, true, true);

	/**
	 * Create throttling options, validating them.
	 * @throws IllegalArgumentException if a duration is negative or a throttle has
	 * neither edge
	 */
	public Throttling {
		if (debounce != null && debounce.isNegative()) {
			throw new IllegalArgumentException("debounce must be zero or positive, was " + debounce);
		}
		if (throttle != null && throttle.isNegative()) {
			throw new IllegalArgumentException("throttle must be zero or positive, was " + throttle);
		}
		if (throttle != null && !throttle.isZero() && !leading && !trailing) {
			throw new IllegalArgumentException("a throttle with neither leading nor trailing edge never refreshes");
		}
		debounce = (debounce != null && debounce.isZero()) ? null : debounce;
		throttle = (throttle != null && throttle.isZero()) ? null : throttle;
	}

	/**
	 * Wait for the given silence before refreshing.
	 * @param debounce the silence
	 * @return the options
	 */
	public static Throttling debounce(Duration debounce) {
		return new Throttling(debounce, null, true, true);
	}

	/**
	 * Refresh at most once per interval, on both edges.
	 * @param interval the interval
	 * @return the options
	 */
	public static Throttling throttle(Duration interval) {
		return new Throttling(null, interval, true, true);
	}

	/**
	 * Return whether events are passed straight through.
	 * @return {@code true} if there is neither a debounce nor a throttle
	 */
	public boolean isNone() {
		return this.debounce == null && this.throttle == null;
	}

}
