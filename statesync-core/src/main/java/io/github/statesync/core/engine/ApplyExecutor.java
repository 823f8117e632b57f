package io.github.statesync.core.engine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor of the shared scheduler's hand-offs ({@link SyncScheduler#execute}): the
 * applies of fetched and inline snapshots and the hops between refreshes. It exists
 * because a {@link java.util.concurrent.ScheduledThreadPoolExecutor} pays for every
 * hand-off with a lock, a task object wrapping the task, and the wake-up of a parked
 * thread; applies come in runs (a fetch answered, the next refresh, its apply), so a
 * worker that just finished one looks for the next for a moment before it parks, and a
 * hand-off that finds a worker looking wakes nobody.
 * <p>
 * Bounded and idle-cheap: at most {@code threads} workers, started only when a task finds
 * no worker awake; at most one of them spins at a time, for {@value #SPIN_NANOS} ns, then
 * parks without a timeout, so an idle JVM spends no CPU here. A task that blocks holds
 * one worker; the others go on. Never shut down: its threads are daemons, like the shared
 * scheduler's.
 *
 * @author statesync
 */
final class ApplyExecutor implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(SyncHandle.class);

	/**
	 * How long an idle worker looks for work before it parks: longer than the gap between
	 * the hand-offs of one refresh (a few microseconds), short enough that a worker on a
	 * two-core machine gives the CPU back to the I/O thread quickly.
	 */
	static final long SPIN_NANOS = 20_000;

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Worker> parked = new ConcurrentLinkedQueue<>();

	// workers awake and looking for a task (at most one spins)
	private final AtomicInteger searching = new AtomicInteger();

	private final AtomicInteger started = new AtomicInteger();

	private final int threads;

	private final ThreadFactory factory;

	ApplyExecutor(int threads, ThreadFactory factory) {
		this.threads = threads;
		this.factory = factory;
	}

	@Override
	public void execute(Runnable task) {
		this.tasks.offer(task);
		if (this.searching.get() == 0) {
			wakeOne();
		}
	}

	private void wakeOne() {
		Worker idle = this.parked.poll();
		if (idle != null) {
			LockSupport.unpark(idle.thread);
			return;
		}
		int count = this.started.get();
		while (count < this.threads) {
			if (this.started.compareAndSet(count, count + 1)) {
				Worker worker = new Worker();
				worker.thread = this.factory.newThread(worker);
				worker.thread.start();
				return;
			}
			count = this.started.get();
		}
		// every worker is busy: one takes the task when it finishes its own
	}

	/**
	 * Return how many worker threads were started.
	 * @return the count, at most the bound
	 */
	int startedThreads() {
		return this.started.get();
	}

	private final class Worker implements Runnable {

		@SuppressWarnings("NullAway.Init")
		Thread thread;

		@Override
		public void run() {
			ApplyExecutor executor = ApplyExecutor.this;
			while (true) {
				Runnable task = executor.tasks.poll();
				if (task == null) {
					task = idle();
				}
				if (task != null) {
					runTask(task);
				}
			}
		}

		/**
		 * No task: look for one for a moment (if no other worker does), else park.
		 * @return a task found, or {@code null} after a wake-up
		 */
		private @Nullable Runnable idle() {
			ApplyExecutor executor = ApplyExecutor.this;
			if (executor.searching.compareAndSet(0, 1)) {
				Runnable task = spin();
				executor.searching.decrementAndGet();
				if (task != null) {
					// more work than this worker: wake another, as the hand-off did not
					if (!executor.tasks.isEmpty()) {
						executor.wakeOne();
					}
					return task;
				}
			}
			executor.parked.offer(this);
			// a task offered before this worker was parked: take it back
			if (!executor.tasks.isEmpty() && executor.parked.remove(this)) {
				return null;
			}
			LockSupport.park(executor);
			// woken by a hand-off (which took this worker off the list) or spuriously
			executor.parked.remove(this);
			return null;
		}

		private @Nullable Runnable spin() {
			ApplyExecutor executor = ApplyExecutor.this;
			long deadline = System.nanoTime() + SPIN_NANOS;
			int polls = 0;
			while (true) {
				Runnable task = executor.tasks.poll();
				if (task != null) {
					return task;
				}
				Thread.onSpinWait();
				// the clock is read every few polls: it costs more than a poll
				if ((++polls & 15) == 0 && System.nanoTime() - deadline > 0) {
					return null;
				}
			}
		}

		private void runTask(Runnable task) {
			try {
				task.run();
			}
			catch (Throwable ex) {
				// engine tasks report their own failures: this is a bug, not an error to
				// end the worker for
				logger.warn("A statesync apply task failed: {}", ex.toString());
			}
		}

	}

}
