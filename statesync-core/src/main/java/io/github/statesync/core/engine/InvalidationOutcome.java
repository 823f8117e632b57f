package io.github.statesync.core.engine;

/**
 * What a sync handle did with an incoming invalidation.
 *
 * @author statesync
 * @since 0.1.0
 */
public enum InvalidationOutcome {

	/** Newer than the local revision: a refresh was requested. */
	ACCEPTED,

	/** Not newer than the local revision: dropped without a fetch. */
	STALE,

	/** Dropped by the refresh filter. */
	FILTERED,

	/** Broke the protocol, or was meant for another topic: reported and dropped. */
	INVALID

}
