package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The timers and the executor that all sync handles share: no handle owns a thread. A
 * handle runs its timers here and applies every fetched and inline snapshot here, through
 * {@link #execute(Runnable)}, so the scheduler's threads are where user appliers run
 * (unless a handle applies on the delivering thread, {@link ApplyOn}). The default,
 * {@link #shared()}, runs timers on {@code max(4, available processors)} daemon threads
 * and hand-offs on at most as many more, for the whole JVM.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface SyncScheduler {

	/**
	 * Run a task once after a delay.
	 * @param task the task
	 * @param delay the delay
	 * @return a handle to cancel the task
	 */
	Cancellable schedule(Runnable task, Duration delay);

	/**
	 * Run a task soon, on another thread. Handles apply snapshots in such tasks, so an
	 * implementation should not run them on a thread that delivers events or completes
	 * fetches.
	 * @param task the task
	 * @throws java.util.concurrent.RejectedExecutionException if the scheduler is shut
	 * down
	 */
	void execute(Runnable task);

	/**
	 * Return the current value of the scheduler's monotonic clock, in nanoseconds.
	 * @return the time, comparable only with other values of this method
	 */
	long nanoTime();

	/**
	 * Return the JVM-wide default scheduler, created on first use:
	 * {@code max(4, available processors)} daemon threads named {@code statesync-N} run
	 * every handle's timers, and at most as many named {@code statesync-apply-N}, started
	 * on demand, run the tasks of {@link #execute} (every apply); an idle apply thread
	 * looks for work for a few microseconds before it parks, so back-to-back hand-offs
	 * wake no thread.
	 * @return the shared scheduler
	 */
	static SyncScheduler shared() {
		return ExecutorSyncScheduler.SHARED;
	}

	/**
	 * Adapt an executor the caller owns (and shuts down).
	 * @param executor the executor
	 * @return a scheduler running on it
	 */
	static SyncScheduler of(ScheduledExecutorService executor) {
		return new ExecutorSyncScheduler(executor);
	}

	/**
	 * A scheduled task that can be cancelled.
	 */
	@FunctionalInterface
	interface Cancellable {

		/**
		 * Cancel the task if it has not run yet. Idempotent.
		 */
		void cancel();

	}

}
