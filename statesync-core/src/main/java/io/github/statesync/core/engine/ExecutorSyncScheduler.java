package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SyncScheduler} on a {@link ScheduledExecutorService}.
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
		AtomicInteger count = new AtomicInteger();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, (runnable) -> {
			Thread thread = new Thread(runnable, "statesync-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
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
