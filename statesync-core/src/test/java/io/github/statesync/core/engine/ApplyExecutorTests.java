package io.github.statesync.core.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared scheduler's hand-off executor: every task runs, threads stay bounded, a
 * blocked task holds one thread only, and idle threads park.
 */
class ApplyExecutorTests {

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private final ThreadFactory factory = (runnable) -> {
		Thread thread = SyncThreads.factory("apply-test-").newThread(runnable);
		this.threads.add(thread);
		return thread;
	};

	@Test
	void runsEveryTaskHandedOffBackToBackOrAfterThreadsParked() {
		ApplyExecutor executor = new ApplyExecutor(2, this.factory);
		AtomicInteger ran = new AtomicInteger();
		int expected = 0;
		for (int round = 0; round < 200; round++) {
			for (int i = 0; i < round % 7; i++) {
				executor.execute(ran::incrementAndGet);
				expected++;
			}
			if (round % 20 == 0) {
				// long enough for the workers to stop looking and park
				awaitParked();
			}
		}
		int total = expected;
		await().until(() -> ran.get() == total);
	}

	@Test
	void startsNoMoreThreadsThanItsBoundAndABlockedTaskHoldsOnlyOne() throws Exception {
		ApplyExecutor executor = new ApplyExecutor(2, this.factory);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch blocking = new CountDownLatch(1);
		executor.execute(() -> {
			blocking.countDown();
			awaitQuietly(release);
		});
		assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();
		AtomicInteger ran = new AtomicInteger();
		for (int i = 0; i < 1000; i++) {
			executor.execute(ran::incrementAndGet);
		}
		await().until(() -> ran.get() == 1000);
		assertThat(executor.startedThreads()).isEqualTo(2);
		assertThat(this.threads).hasSize(2);
		release.countDown();
	}

	@Test
	void idleThreadsParkAndAreWokenByTheNextTask() throws Exception {
		ApplyExecutor executor = new ApplyExecutor(2, this.factory);
		CountDownLatch first = new CountDownLatch(1);
		executor.execute(first::countDown);
		assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
		awaitParked();
		CountDownLatch second = new CountDownLatch(1);
		executor.execute(second::countDown);
		assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
		awaitParked();
	}

	@Test
	void aTaskThatThrowsDoesNotEndItsThread() throws Exception {
		ApplyExecutor executor = new ApplyExecutor(1, this.factory);
		executor.execute(() -> {
			throw new IllegalStateException("bug");
		});
		CountDownLatch next = new CountDownLatch(1);
		executor.execute(next::countDown);
		assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.threads).singleElement().satisfies((thread) -> assertThat(thread.isAlive()).isTrue());
	}

	private void awaitParked() {
		await().until(() -> this.threads.stream()
			.allMatch((thread) -> thread.getState() == Thread.State.WAITING
					&& LockSupport.getBlocker(thread) instanceof ApplyExecutor));
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
