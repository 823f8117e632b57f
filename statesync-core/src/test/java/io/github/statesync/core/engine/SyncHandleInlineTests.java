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

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.spi.SnapshotApplier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Invalidations that carry their snapshot inline.
 */
class SyncHandleInlineTests {

	private static final String TOPIC = "settings";

	private final ManualScheduler scheduler = new ManualScheduler();

	private final TestSource<String> source = new TestSource<>();

	private final RecordingApplier<String> applier = new RecordingApplier<>();

	private final RecordingListener listener = new RecordingListener();

	private SyncHandle<String> started(SnapshotApplier<String> applier) {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = SyncHandle.builder(TOPIC, this.source, this.source, applier)
			.scheduler(this.scheduler)
			.listener(this.listener)
			.random(SyncHandleTests.HALF)
			.build();
		assertThat(handle.start()).isCompleted();
		return handle;
	}

	@Test
	void appliesInlineSnapshotWithoutFetching() {
		SyncHandle<String> handle = started(this.applier);
		int fetches = this.source.fetches.get();
		this.source.publishInline(TOPIC, 2, "v2");
		assertThat(this.source.fetches.get()).isEqualTo(fetches);
		assertThat(this.applier.revisions()).containsExactly(1L, 2L);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
		assertThat(this.listener.refreshes.get(RefreshOutcome.APPLIED)).as("the start's only").hasValue(1);
		assertThat(this.listener.applied).containsExactly(Revision.of(1), Revision.of(2));
	}

	@Test
	void dropsStaleInlineSnapshotAtTheGate() {
		started(this.applier);
		this.source.publishInline(TOPIC, 5, "v5");
		this.source.deliver(TOPIC, new InvalidationEvent(TOPIC, Revision.of(3), null, null, "v3"));
		assertThat(this.applier.revisions()).containsExactly(1L, 5L);
		assertThat(this.listener.invalidations(InvalidationOutcome.STALE)).isOne();
	}

	@Test
	void fetchesWhenInlineDataDoesNotFitAndReportsIt() {
		started(this.applier);
		int fetches = this.source.fetches.get();
		this.source.put(TOPIC, 2, "v2");
		this.source.deliver(TOPIC,
				new InvalidationEvent(TOPIC, Revision.of(2), null, null, new ProtocolException("not a string")));
		assertThat(this.listener.errors(SyncPhase.PROTOCOL)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).hasMessage("not a string"));
		assertThat(this.source.fetches.get()).isEqualTo(fetches + 1);
		assertThat(this.applier.revisions()).containsExactly(1L, 2L);
	}

	@Test
	void failedInlineApplyFallsBackToAFetch() {
		started(this.applier);
		this.applier.failOn(2);
		int fetches = this.source.fetches.get();
		this.source.publishInline(TOPIC, 2, "v2");
		assertThat(this.listener.errors(SyncPhase.APPLY)).hasSize(2);
		assertThat(this.source.fetches.get()).isEqualTo(fetches + 1);
		this.applier.recover(2);
		this.source.publishInline(TOPIC, 3, "v3");
		assertThat(this.applier.revisions()).containsExactly(1L, 3L);
	}

	@Test
	void inlineSnapshotWaitsOnTheSchedulerForASlowApplyNeverOnTheDeliveringThread() throws Exception {
		CountDownLatch applying = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		List<String> threads = new CopyOnWriteArrayList<>();
		SnapshotApplier<String> slow = (snapshot) -> {
			threads.add(Thread.currentThread().getName());
			if (snapshot.revision().longValue() == 2) {
				applying.countDown();
				awaitQuietly(release);
			}
			this.applier.apply(snapshot);
		};
		ScheduledExecutorService schedulerThreads = Executors.newScheduledThreadPool(2,
				(task) -> new Thread(task, "scheduler"));
		ExecutorService delivery = Executors.newSingleThreadExecutor((task) -> new Thread(task, "delivery"));
		try {
			this.source.put(TOPIC, 1, "v1");
			SyncHandle<String> handle = SyncHandle.builder(TOPIC, this.source, this.source, slow)
				.scheduler(SyncScheduler.of(schedulerThreads))
				.listener(this.listener)
				.build();
			handle.start().get(5, TimeUnit.SECONDS);
			this.source.put(TOPIC, 2, "v2");
			CompletableFuture<Void> refresh = handle.refresh();
			assertThat(applying.await(5, TimeUnit.SECONDS)).isTrue();
			int fetches = this.source.fetches.get();
			CompletableFuture.runAsync(() -> this.source.publishInline(TOPIC, 3, "v3"), delivery)
				.get(5, TimeUnit.SECONDS);
			assertThat(release.getCount()).as("delivered while the slow apply still runs").isOne();
			release.countDown();
			refresh.get(5, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(5)).until(() -> handle.localRevision().equals(Revision.of(3)));
			handle.stop();
			assertThat(this.source.fetches.get()).as("the inline snapshot waited instead of a fetch")
				.isEqualTo(fetches);
		}
		finally {
			delivery.shutdownNow();
			schedulerThreads.shutdownNow();
		}
		assertThat(this.listener.errors).isEmpty();
		assertThat(this.applier.revisions()).containsExactly(1L, 2L, 3L);
		assertThat(threads).containsOnly("scheduler");
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
