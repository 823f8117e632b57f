package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotApplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where snapshots are applied ({@link ApplyOn}): on the scheduler by default, on the
 * delivering thread when asked, and back on the scheduler when an apply blocks there.
 * Threads are told apart by name: {@code io-} delivers fetch answers, {@code sched-} is
 * the scheduler, the test's own thread delivers events.
 */
class SyncHandleApplyOnTests {

	private static final String TOPIC = "settings";

	private static final long SLOW_NANOS = TimeUnit.MILLISECONDS
		.toNanos(SyncOptions.DELIVERING_THREAD_BUDGET_MILLIS + 1);

	private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2,
			SyncThreads.factory("sched-"));

	private final ExecutorService io = Executors.newSingleThreadExecutor(SyncThreads.factory("io-"));

	// the scheduler's clock, which the guard reads: an applier moves it to take long
	private final AtomicLong clock = new AtomicLong();

	private final SyncScheduler scheduler = new ClockedScheduler(SyncScheduler.of(this.executor), this.clock);

	private final TestSource<String> source = new TestSource<>();

	private final ThreadRecordingApplier applier = new ThreadRecordingApplier();

	private final RecordingListener listener = new RecordingListener();

	private final List<Long> fallbacks = new CopyOnWriteArrayList<>();

	@AfterEach
	void shutDown() {
		this.executor.shutdownNow();
		this.io.shutdownNow();
	}

	private SyncHandle<String> started(ApplyOn applyOn) {
		return started(applyOn, this.applier);
	}

	private SyncHandle<String> started(ApplyOn applyOn, SnapshotApplier<String> applier) {
		this.source.put(TOPIC, 1, "v1");
		this.source.async(this.io);
		SyncHandle<String> handle = SyncHandle.builder(TOPIC, this.source, this.source, applier)
			.options(SyncOptions.DEFAULTS.withApplyOn(applyOn))
			.scheduler(this.scheduler)
			.listener(this.listener)
			.listener(new SyncListener() {
				@Override
				public void onApplyFallback(String topic, long applyNanos) {
					SyncHandleApplyOnTests.this.fallbacks.add(applyNanos);
				}
			})
			.build();
		handle.start().join();
		return handle;
	}

	@Test
	void byDefaultNeverAppliesOnTheThreadThatAnsweredTheFetchOrDeliveredTheEvent() {
		SyncHandle<String> handle = started(ApplyOn.SCHEDULER);
		this.source.publish(TOPIC, 2, "v2");
		await().until(() -> handle.localRevision().longValue() == 2);
		this.source.publishInline(TOPIC, 3, "v3");
		await().until(() -> handle.localRevision().longValue() == 3);
		assertThat(this.applier.threads).hasSize(3).allSatisfy((name) -> assertThat(name).startsWith("sched-"));
	}

	@Test
	void deliveringThreadAppliesFetchedSnapshotsOnTheThreadThatAnsweredTheFetch() throws Exception {
		SyncHandle<String> handle = started(ApplyOn.DELIVERING_THREAD);
		this.source.manual();
		for (int revision = 2; revision <= 3; revision++) {
			this.source.publish(TOPIC, revision, "v" + revision);
			await().until(() -> this.source.pendingFetches() == 1);
			CompletableFuture.runAsync(this.source::completeFetch, this.io).get();
			long expected = revision;
			await().until(() -> handle.localRevision().longValue() == expected);
		}
		// the first snapshot, cold, is applied on the scheduler
		assertThat(this.applier.threads).hasSize(3);
		assertThat(this.applier.threads.get(0)).startsWith("sched-");
		assertThat(this.applier.threads.subList(1, 3)).allSatisfy((name) -> assertThat(name).startsWith("io-"));
	}

	@Test
	void byDefaultAFetchAnsweredOnAnIoThreadIsAppliedOnTheScheduler() throws Exception {
		SyncHandle<String> handle = started(ApplyOn.SCHEDULER);
		this.source.manual();
		this.source.publish(TOPIC, 2, "v2");
		await().until(() -> this.source.pendingFetches() == 1);
		CompletableFuture.runAsync(this.source::completeFetch, this.io).get();
		await().until(() -> handle.localRevision().longValue() == 2);
		assertThat(this.applier.threads).last().satisfies((name) -> assertThat(name).startsWith("sched-"));
	}

	@Test
	void deliveringThreadAppliesInlineSnapshotsOnTheThreadThatDeliveredTheEvent() {
		SyncHandle<String> handle = started(ApplyOn.DELIVERING_THREAD);
		int fetches = this.source.fetches.get();
		this.source.publishInline(TOPIC, 2, "v2");
		// applied before the delivery returned, on this thread
		assertThat(handle.localRevision().longValue()).isEqualTo(2);
		assertThat(this.applier.threads).last().isEqualTo(Thread.currentThread().getName());
		assertThat(this.source.fetches.get()).isEqualTo(fetches);
	}

	@Test
	void deliveringThreadNeverWaitsForAnApplyOfTheSameTopicButHandsItToTheScheduler() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch blocked = new CountDownLatch(1);
		SnapshotApplier<String> blocking = (snapshot) -> {
			this.applier.apply(snapshot);
			if (snapshot.revision().longValue() == 2) {
				blocked.countDown();
				release.await();
			}
		};
		SyncHandle<String> handle = started(ApplyOn.DELIVERING_THREAD, blocking);
		CompletableFuture<Void> first = CompletableFuture.runAsync(() -> this.source.publishInline(TOPIC, 2, "v2"));
		assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
		// revision 2 holds the apply lock: this delivery returns without waiting for it
		this.source.publishInline(TOPIC, 3, "v3");
		assertThat(first).isNotDone();
		release.countDown();
		first.join();
		await().until(() -> handle.localRevision().longValue() == 3);
		assertThat(this.applier.threads).last().satisfies((name) -> assertThat(name).startsWith("sched-"));
		assertThat(this.applier.revisions()).containsExactly(1L, 2L, 3L);
	}

	@Test
	void blockingApplyOnTheDeliveringThreadFallsBackToTheSchedulerAfterTheStrikes() {
		SnapshotApplier<String> slow = (snapshot) -> {
			this.applier.apply(snapshot);
			this.clock.addAndGet(SLOW_NANOS);
		};
		SyncHandle<String> handle = started(ApplyOn.DELIVERING_THREAD, slow);
		int strikes = SyncOptions.DELIVERING_THREAD_STRIKES;
		for (int revision = 2; revision <= strikes + 3; revision++) {
			this.source.publishInline(TOPIC, revision, "v" + revision);
			long expected = revision;
			await().until(() -> handle.localRevision().longValue() == expected);
		}
		String self = Thread.currentThread().getName();
		// the start's apply on the scheduler, then the strikes here, then the scheduler
		assertThat(this.applier.threads.subList(1, 1 + strikes)).containsOnly(self);
		assertThat(this.applier.threads.subList(1 + strikes, this.applier.threads.size()))
			.allSatisfy((name) -> assertThat(name).startsWith("sched-"));
		assertThat(this.fallbacks).singleElement().satisfies((nanos) -> assertThat(nanos).isGreaterThan(0));
	}

	@Test
	void fastAppliesOnTheDeliveringThreadNeverFallBack() {
		SyncHandle<String> handle = started(ApplyOn.DELIVERING_THREAD);
		for (int revision = 2; revision <= 20; revision++) {
			this.source.publishInline(TOPIC, revision, "v" + revision);
		}
		assertThat(handle.localRevision().longValue()).isEqualTo(20);
		assertThat(this.applier.threads.subList(1, this.applier.threads.size()))
			.containsOnly(Thread.currentThread().getName());
		assertThat(this.fallbacks).isEmpty();
	}

	@Test
	void deliveringThreadNeverAppliesAfterStop() {
		SyncHandle<String> handle = started(ApplyOn.DELIVERING_THREAD);
		this.source.manual();
		this.source.event(TOPIC, 2);
		await().until(() -> this.source.pendingFetches() == 1);
		handle.stop();
		this.source.completeFetch(2, "v2");
		this.source.publishInline(TOPIC, 3, "v3");
		assertThat(this.applier.revisions()).containsExactly(1L);
		assertThat(handle.localRevision().longValue()).isEqualTo(1);
	}

	@Test
	void deliveringThreadAppliesOfOneTopicNeverOverlap() {
		ExecutorService deliverers = Executors.newFixedThreadPool(3, SyncThreads.factory("deliver-"));
		try {
			OverlapApplier overlap = new OverlapApplier();
			SyncHandle<String> handle = started(ApplyOn.DELIVERING_THREAD, overlap);
			// the source holds the newest: an event overtaken by a newer one makes the
			// handle check its source, which must not answer an older revision
			this.source.put(TOPIC, 300, "v300");
			List<CompletableFuture<Void>> deliveries = new CopyOnWriteArrayList<>();
			for (int revision = 2; revision <= 300; revision++) {
				InvalidationEvent event = new InvalidationEvent(TOPIC, Revision.of(revision), null, null,
						"v" + revision);
				deliveries.add(CompletableFuture.runAsync(() -> this.source.deliver(TOPIC, event), deliverers));
			}
			CompletableFuture.allOf(deliveries.toArray(CompletableFuture[]::new)).join();
			await().until(() -> handle.localRevision().longValue() == 300);
			assertThat(overlap.overlapped).isFalse();
			assertThat(overlap.revisions).isSorted();
		}
		finally {
			deliverers.shutdownNow();
		}
	}

	/**
	 * Records the thread of every apply.
	 */
	private static final class ThreadRecordingApplier implements SnapshotApplier<String> {

		final List<String> threads = new CopyOnWriteArrayList<>();

		final List<Long> revisions = new CopyOnWriteArrayList<>();

		@Override
		public void apply(SnapshotEnvelope<String> snapshot) {
			this.threads.add(Thread.currentThread().getName());
			this.revisions.add(snapshot.revision().longValue());
		}

		List<Long> revisions() {
			return this.revisions;
		}

	}

	/**
	 * Notices two applies at once.
	 */
	private static final class OverlapApplier implements SnapshotApplier<String> {

		final List<Long> revisions = new CopyOnWriteArrayList<>();

		volatile boolean overlapped;

		private volatile boolean applying;

		@Override
		public void apply(SnapshotEnvelope<String> snapshot) {
			if (this.applying) {
				this.overlapped = true;
			}
			this.applying = true;
			Thread.yield();
			this.revisions.add(snapshot.revision().longValue());
			this.applying = false;
		}

	}

	/**
	 * A real scheduler whose clock the test moves.
	 */
	private record ClockedScheduler(SyncScheduler delegate, AtomicLong clock) implements SyncScheduler {

		@Override
		public Cancellable schedule(Runnable task, Duration delay) {
			return this.delegate.schedule(task, delay);
		}

		@Override
		public void execute(Runnable task) {
			this.delegate.execute(task);
		}

		@Override
		public long nanoTime() {
			return this.clock.get();
		}

	}

}
