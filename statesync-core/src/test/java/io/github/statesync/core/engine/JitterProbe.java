package io.github.statesync.core.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.statesync.core.spi.SnapshotProvider;

/**
 * Run in a JVM of its own by {@link SyncHandleJitterTests}: builds a handle with the
 * default source of jitter, lets every fetch fail and prints the retry delays it drew, in
 * nanoseconds, on one line. Every task runs on a brand-new thread, as retries do on a
 * pool that has just grown.
 */
public final class JitterProbe {

	static final int RETRIES = 6;

	private JitterProbe() {
	}

	public static void main(String[] args) throws Exception {
		List<Duration> delays = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(RETRIES);
		SnapshotProvider<String> down = (topic, known) -> CompletableFuture.failedFuture(new IOException("down"));
		SyncHandle<String> handle = SyncHandle.<String>builder("settings", (topic, listener) -> () -> {
		}, down, (snapshot) -> {
		})
			.options(SyncOptions.DEFAULTS
				.withRetry(new RetryPolicy(RETRIES + 1, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1)))
				.withFailStartOnError(false))
			.scheduler(new FreshThreadScheduler())
			.listener(new SyncListener() {

				@Override
				public void onRetry(String topic, SyncError error) {
					delays.add(error.nextDelay());
					done.countDown();
				}

			})
			.build();
		Thread starter = new Thread(handle::start);
		starter.start();
		if (!done.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("retries did not happen: " + delays);
		}
		handle.stop();
		System.out
			.println(delays.stream().map((delay) -> Long.toString(delay.toNanos())).collect(Collectors.joining(",")));
	}

	/**
	 * Runs every task at once, each on a new thread, whatever its delay.
	 */
	static final class FreshThreadScheduler implements SyncScheduler {

		@Override
		public Cancellable schedule(Runnable task, Duration delay) {
			new Thread(task).start();
			return () -> {
			};
		}

		@Override
		public void execute(Runnable task) {
			new Thread(task).start();
		}

		@Override
		public long nanoTime() {
			return System.nanoTime();
		}

	}

}
