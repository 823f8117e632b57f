package io.github.statesync.core.engine;

/**
 * Whether a topic's local state can be trusted to be the fleet's, as a {@link SyncHandle}
 * sees it. Read it with {@link SyncHandle#status()}, hear every change with
 * {@link SyncListener#onStatusChanged}, wait for one with
 * {@link SyncHandle#whenStatus(TopicStatus)}.
 *
 * @author statesync
 * @since 0.1.0
 */
public enum TopicStatus {

	/**
	 * No snapshot applied yet: built, starting, or started without one (the source holds
	 * none or could not be read); the topic runs on its defaults.
	 */
	INITIALIZING,

	/**
	 * Holds a snapshot from its source, and has neither known of a newer revision nor
	 * failed to reach its source for longer than {@link SyncOptions#staleAfter()}.
	 */
	CURRENT,

	/**
	 * Holds a snapshot, but has known of a newer revision it did not apply (announced by
	 * an event, or fetched and refused by the applier), or has failed to reach its
	 * source, for longer than {@link SyncOptions#staleAfter()}. It keeps serving what it
	 * holds and keeps trying.
	 */
	STALE,

	/**
	 * Runs on the last-known-good snapshot restored from its archive; its source has not
	 * given it a snapshot yet.
	 */
	ON_ARCHIVE,

	/**
	 * The handle was stopped; it follows the topic no more.
	 */
	STOPPED

}
