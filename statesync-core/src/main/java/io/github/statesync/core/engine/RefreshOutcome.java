package io.github.statesync.core.engine;

/**
 * How one refresh (fetch, retries and apply) ended.
 *
 * @author statesync
 * @since 0.1.0
 */
public enum RefreshOutcome {

	/** A newer snapshot was applied. */
	APPLIED,

	/** The fetched snapshot was not newer than the local one. */
	SKIPPED,

	/** Fetch, protocol or apply failed and nothing was applied. */
	FAILED

}
