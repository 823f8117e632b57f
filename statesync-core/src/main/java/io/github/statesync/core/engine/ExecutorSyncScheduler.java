package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SyncScheduler} on a {@link ScheduledExecutorService}.
 * <p>
 * The {@linkplain #SHARED shared} one runs the timers of every handle on
 * {@code max(4, available processors)} daemon threads named {@code statesync-N}, and
 * every hand-off ({@link #execute}: applies of fetched and inline snapshots, the hops
 * between refreshes) on as many threads named {@code statesync-apply-N} of an
 * {@link ApplyExecutor}, whose hand-off wakes no thread when one is looking for work.
 * Applies are serialized per topic, so one slow applier holds one thread, and one more
 * while an inline snapshot of the same topic waits for it; timers (retries, debounce,
 * polls, fetch timeouts) run on threads of their own beside such a topic, and a larger
 * machine gets a thread per core for topics that apply at the same time. Idle threads
 * cost little (they park), apply threads start only when work finds none awake, and the
 * count does not grow with the number of topics.
 *
 * @author statesync
 */
final class ExecutorSyncScheduler implements SyncScheduler {

	private static final int SHARED_THREADS = Math.max(4, Runtime.getRuntime().availableProcessors());

	static final SyncScheduler SHARED = new ExecutorSyncScheduler(createSharedExecutor(),
			new ApplyExecutor(SHARED_THREADS, SyncThreads.factory("statesync-apply-")));

	private final ScheduledExecutorService executor;

	private final Executor handOff;

	ExecutorSyncScheduler(ScheduledExecutorService executor) {
		this(executor, executor);
	}

	ExecutorSyncScheduler(ScheduledExecutorService executor, Executor handOff) {
		this.executor = executor;
		this.handOff = handOff;
	}

	private static ScheduledExecutorService createSharedExecutor() {
		int threads = SHARED_THREADS;
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads,
				SyncThreads.factory("statesync-"));
		// cancelled retries and debounce timers must not pile up in the queue
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

	@Override
	public Cancellable schedule(Runnable task, Duration delay) {
		ScheduledFuture<?> future = this.executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
		return () -> future.cancel(false);
	}

	@Override
	public void execute(Runnable task) {
		this.handOff.execute(task);
	}

	@Override
	public long nanoTime() {
		return System.nanoTime();
	}

}
