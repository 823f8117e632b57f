package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotApplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SyncHandleConcurrencyTests {

	private static final String TOPIC = "settings";

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	@AfterEach
	void shutDown() throws InterruptedException {
		this.executor.shutdownNow();
		assertThat(this.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void burstOfTenThousandEventsFromTwoThreadsWhileFetchIsBlockedCostsAtMostTwoFetches() throws Exception {
		TestSource<String> source = new TestSource<String>().manual();
		RecordingApplier<String> applier = new RecordingApplier<>();
		SyncHandle<String> handle = SyncHandle.builder(TOPIC, source, source, applier).build();
		source.put(TOPIC, 1, "v1");
		handle.start();
		source.completeFetch();
		source.publish(TOPIC, 2, "v2");
		// the first snapshot is applied on the scheduler: the event may come while that
		// refresh is still in flight, then its fetch follows the refresh
		await().atMost(Duration.ofSeconds(10)).until(() -> source.pendingFetches() == 1);
		int fetchesBefore = source.fetches.get();
		int events = 10_000;
		source.put(TOPIC, events + 2, "final");
		CountDownLatch go = new CountDownLatch(1);
		List<Thread> firers = new ArrayList<>();
		for (int parity = 0; parity < 2; parity++) {
			int offset = parity;
			Thread thread = new Thread(() -> {
				awaitQuietly(go);
				for (int i = offset; i < events; i += 2) {
					source.event(TOPIC, 3 + i);
				}
			});
			thread.start();
			firers.add(thread);
		}
		go.countDown();
		for (Thread thread : firers) {
			thread.join();
		}
		source.completeFetch();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(Revision.of(events + 2)));
		while (source.pendingFetches() > 0) {
			source.completeFetch();
		}
		// the blocked fetch counts too
		int burstFetches = source.fetches.get() - fetchesBefore + 1;
		assertThat(burstFetches).isLessThanOrEqualTo(2);
		assertThat(applier.revisions()).containsExactly(1L, (long) events + 2);
		handle.stop();
	}

	@Test
	void manyWritersInRandomOrderAlwaysConvergeAndNeverGoBackwards() throws Exception {
		for (int round = 0; round < 20; round++) {
			convergesUnderRandomInterleaving();
		}
	}

	private void convergesUnderRandomInterleaving() throws Exception {
		TestSource<Long> source = new TestSource<Long>().async(this.executor);
		MonotonicApplier applier = new MonotonicApplier();
		SyncHandle<Long> handle = SyncHandle.builder(TOPIC, source, source, applier).build();
		handle.start().get(10, TimeUnit.SECONDS);
		AtomicLong revisions = new AtomicLong();
		int writers = 4;
		int writes = 250;
		CountDownLatch done = new CountDownLatch(writers);
		for (int w = 0; w < writers; w++) {
			this.executor.execute(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < writes; i++) {
					long revision = revisions.incrementAndGet();
					source.putIfNewer(TOPIC, revision, revision);
					// events arrive late, twice, or for an older revision
					long announced = random.nextInt(4) == 0 ? Math.max(1, revision - random.nextInt(5)) : revision;
					source.event(TOPIC, announced);
					if (random.nextInt(10) == 0) {
						source.event(TOPIC, announced);
					}
					if (random.nextInt(20) == 0) {
						handle.refresh();
					}
				}
				done.countDown();
			});
		}
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		long last = writers * writes;
		// the last event may itself have been an older one: the final event always
		// announces the newest
		source.event(TOPIC, last);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(Revision.of(last)));
		handle.stop();
		assertThat(applier.violations).isZero();
		assertThat(applier.last.get()).isEqualTo(last);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Counts every apply that is not newer than the one before it.
	 */
	static final class MonotonicApplier implements SnapshotApplier<Long> {

		final AtomicLong last = new AtomicLong(-1);

		volatile int violations;

		@Override
		public void apply(SnapshotEnvelope<Long> snapshot) {
			long revision = snapshot.revision().longValue();
			if (this.last.getAndSet(revision) >= revision) {
				this.violations++;
			}
		}

	}

}
