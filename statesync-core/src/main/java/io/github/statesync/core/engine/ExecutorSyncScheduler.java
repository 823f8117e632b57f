package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SyncScheduler} on a {@link ScheduledExecutorService}.
 * <p>
 * The {@linkplain #SHARED shared} one runs the timers of every handle and also every
 * apply (handles apply fetched and inline snapshots on their scheduler), on
 * {@code max(4, available processors)} daemon threads named {@code statesync-N}. Applies
 * are serialized per topic, so one slow applier holds one thread, and one more while an
 * inline snapshot of the same topic waits for it; four threads leave timers (retries,
 * debounce, polls, fetch timeouts) room to run beside such a topic even on a two-core
 * machine, and a larger machine gets a thread per core for topics that apply at the same
 * time. Idle threads cost little, and the count does not grow with the number of topics.
 *
 * @author statesync
 */
final class ExecutorSyncScheduler implements SyncScheduler {

	static final SyncScheduler SHARED = new ExecutorSyncScheduler(createSharedExecutor());

	private final ScheduledExecutorService executor;

	ExecutorSyncScheduler(ScheduledExecutorService executor) {
		this.executor = executor;
	}

	private static ScheduledExecutorService createSharedExecutor() {
		int threads = Math.max(4, Runtime.getRuntime().availableProcessors());
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
		this.executor.execute(task);
	}

	@Override
	public long nanoTime() {
		return System.nanoTime();
	}

}
