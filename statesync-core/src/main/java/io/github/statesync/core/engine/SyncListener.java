package io.github.statesync.core.engine;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.jspecify.annotations.Nullable;

/**
 * Observes what sync handles do, for metrics, logging and health. Every method has an
 * empty default. Methods are called on engine threads and must be fast; one that throws
 * is logged and ignored, never breaking the engine.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface SyncListener {

	/**
	 * An invalidation was handled.
	 * @param topic the topic
	 * @param outcome what was done with it
	 */
	default void onInvalidation(String topic, InvalidationOutcome outcome) {
	}

	/**
	 * A refresh ended.
	 * @param topic the topic
	 * @param outcome how it ended
	 * @param durationNanos how long it took, retries included
	 */
	default void onRefresh(String topic, RefreshOutcome outcome, long durationNanos) {
	}

	/**
	 * A refresh request was absorbed by a refresh already in flight or queued: no fetch
	 * of its own.
	 * @param topic the topic
	 */
	default void onCoalesced(String topic) {
	}

	/**
	 * A fetch is retried.
	 * @param topic the topic
	 * @param error the failure that causes the retry, with attempt and delay
	 */
	default void onRetry(String topic, SyncError error) {
	}

	/**
	 * A snapshot was applied.
	 * @param topic the topic
	 * @param previous the revision held before
	 * @param applied the revision now held
	 * @param eventTimestampMs the writer's timestamp of the event that announced this
	 * revision, if there was one
	 */
	default void onApplied(String topic, Revision previous, Revision applied, @Nullable Long eventTimestampMs) {
	}

	/**
	 * A snapshot was read from the source (whether or not it is then applied), for the
	 * size distribution of what the fleet moves.
	 * @param topic the topic
	 * @param revision the snapshot's revision
	 * @param bytes its size as read ({@link SnapshotEnvelope#encodedSize()})
	 */
	default void onSnapshotRead(String topic, Revision revision, int bytes) {
	}

	/**
	 * The topic's {@link TopicStatus} changed. Called once per change, in the order of
	 * the changes, on the engine's threads (a change to {@link TopicStatus#STALE} without
	 * other activity comes from a timer on the handle's {@link SyncScheduler}).
	 * @param topic the topic
	 * @param previous the status before
	 * @param current the status now
	 */
	default void onStatusChanged(String topic, SyncStatus previous, SyncStatus current) {
	}

	/**
	 * A topic that applies on the delivering thread ({@link ApplyOn#DELIVERING_THREAD})
	 * made too many slow applies there and applies on its scheduler from now on: its
	 * applier or a listener blocks.
	 * @param topic the topic
	 * @param applyNanos how long the apply that tripped the guard took
	 * @since 0.1.0
	 */
	default void onApplyFallback(String topic, long applyNanos) {
	}

	/**
	 * An error happened.
	 * @param error the error with its context
	 */
	default void onError(SyncError error) {
	}

}
