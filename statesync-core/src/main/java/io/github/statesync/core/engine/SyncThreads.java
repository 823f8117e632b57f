package io.github.statesync.core.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place the library makes threads. Every thread is a daemon named
 * {@code statesync-<purpose>-<n>}, so a thread dump tells what each is for:
 * <ul>
 * <li>{@code statesync-N}: the {@linkplain SyncScheduler#shared() shared scheduler}'s
 * timers;</li>
 * <li>{@code statesync-apply-N}: the shared scheduler's hand-offs, among them every apply
 * of every topic (unless a topic applies on the delivering thread);</li>
 * <li>{@code statesync-archive-N}: writes last-known-good snapshots to disk, behind the
 * applies;</li>
 * <li>{@code statesync-rest-N}: blocking HTTP fetches of topics served by another
 * service;</li>
 * <li>{@code statesync-redis-subscribe-N} and {@code statesync-redis-subscription-N}:
 * short-lived threads that (un)subscribe Redis channels and recover a lost
 * subscription.</li>
 * </ul>
 * None is per topic: ten thousand topics cost the same threads as one.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class SyncThreads {

	private SyncThreads() {
	}

	/**
	 * Return a factory of daemon threads named {@code <prefix>N}.
	 * @param prefix the name prefix, for example {@code statesync-rest-}
	 * @return the factory
	 */
	public static ThreadFactory factory(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Return a pool of at most {@code threads} daemon threads named {@code <prefix>N},
	 * with an unbounded queue; idle threads end after 30 s, so an idle pool holds none.
	 * @param prefix the name prefix
	 * @param threads the most threads the pool runs
	 * @return the pool, which the caller shuts down
	 */
	public static ExecutorService pool(String prefix, int threads) {
		ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), factory(prefix));
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

}
