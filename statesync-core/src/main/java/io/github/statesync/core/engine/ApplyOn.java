package io.github.statesync.core.engine;

/**
 * Where a handle applies the snapshots it fetches and the snapshots events carry inline.
 * <p>
 * Applies are serialized per topic and none happens after {@link SyncHandle#stop()},
 * whichever is chosen.
 *
 * @author statesync
 * @since 0.1.0
 */
public enum ApplyOn {

	/**
	 * On the handle's {@link SyncScheduler}, never on the thread that delivered the event
	 * or completed the fetch (often a transport's I/O thread, shared by every topic). The
	 * default: an applier or listener that blocks holds one scheduler thread, not the
	 * delivery of every topic.
	 */
	SCHEDULER,

	/**
	 * On the thread that delivered the snapshot: the thread that completed the fetch, or
	 * the one that delivered the event carrying it inline. It saves the hand-off to the
	 * scheduler (tens of microseconds), so it suits topics whose applier and listeners
	 * never block and finish in microseconds. Exceptions, which run on the scheduler as
	 * with {@link #SCHEDULER}: the first snapshot of a handle, a failed fetch, an apply
	 * that would wait for another apply of the same topic, and every apply after the
	 * guard tripped. The guard: an apply that takes longer than
	 * {@value SyncOptions#DELIVERING_THREAD_BUDGET_MILLIS} ms on the delivering thread is
	 * a strike; at the {@value SyncOptions#DELIVERING_THREAD_STRIKES}rd the topic falls
	 * back to the scheduler for the handle's life, with one WARN naming the topic and
	 * {@link SyncListener#onApplyFallback}.
	 */
	DELIVERING_THREAD

}
