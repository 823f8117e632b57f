package io.github.statesync.core.engine;

/**
 * Where in the sync cycle an error happened.
 *
 * @author statesync
 * @since 0.1.0
 */
public enum SyncPhase {

	/** {@link SyncHandle#start()} could not load the first snapshot. */
	START,

	/**
	 * The subscriber could not subscribe: at start, or later when the server refused the
	 * topic's subscription (the subscriber keeps trying).
	 */
	SUBSCRIBE,

	/** Handling an invalidation failed (for example the refresh filter threw). */
	INVALIDATION,

	/** A refresh failed for a reason outside fetch and apply. */
	REFRESH,

	/**
	 * Fetching the snapshot failed, or the source lagged behind the announced revision.
	 */
	FETCH,

	/** The applier threw. */
	APPLY,

	/** An event or snapshot broke the protocol. */
	PROTOCOL,

	/**
	 * The source holds an older revision than this node applied: it lost or rewound its
	 * data (a restore from an older backup, a fail-over to a replica that missed writes,
	 * an overwritten revision key; see {@link RegressionPolicy}), or lost the snapshot of
	 * a topic this node holds a revision of
	 * ({@link io.github.statesync.core.spi.SnapshotMissingException}; never followed).
	 */
	REGRESSION,

	/** The debounce or throttle timer failed. */
	THROTTLE,

	/**
	 * The last-known-good archive could not be read or written, or its snapshot no longer
	 * applies.
	 */
	ARCHIVE

}
