package io.github.statesync.benchmarks.support;

import java.util.Locale;

/**
 * How big a run is: {@code quick} finishes in a few minutes for development, {@code full}
 * is what the published numbers come from.
 *
 * @author statesync
 */
public enum RunMode {

	/** Smaller sizes, a short JMH run. */
	QUICK,

	/** The sizes the published numbers come from. */
	FULL;

	/**
	 * Return the value for this mode.
	 * @param quick the value in quick mode
	 * @param full the value in full mode
	 * @return the one for this mode
	 */
	public int pick(int quick, int full) {
		return (this == QUICK) ? quick : full;
	}

	/**
	 * Return the name used in results and on the command line.
	 * @return {@code quick} or {@code full}
	 */
	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
