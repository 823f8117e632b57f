package io.github.statesync.core.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class SyncHandleTests {

	private static final String TOPIC = "settings";

	/** Jitter that always picks the middle of the range, so delays are predictable. */
	static final RandomGenerator HALF = new RandomGenerator() {

		@Override
		public long nextLong() {
			return 0;
		}

		@Override
		public double nextDouble() {
			return 0.5;
		}

	};

	private final ManualScheduler scheduler = new ManualScheduler();

	private final TestSource<String> source = new TestSource<>();

	private final RecordingApplier<String> applier = new RecordingApplier<>();

	private final RecordingListener listener = new RecordingListener();

	private SyncHandle<String> handle() {
		return handle(SyncOptions.DEFAULTS);
	}

	private SyncHandle<String> handle(SyncOptions options) {
		return SyncHandle.builder(TOPIC, this.source, this.source, this.applier)
			.options(options)
			.scheduler(this.scheduler)
			.listener(this.listener)
			.random(HALF)
			.build();
	}

	private SyncHandle<String> started(long revision) {
		this.source.put(TOPIC, revision, "v" + revision);
		SyncHandle<String> handle = handle();
		assertThat(handle.start()).isCompleted();
		return handle;
	}

	@Test
	void lateJoinAppliesFirstSnapshotEvenAtRevisionZero() {
		this.source.put(TOPIC, 0, "initial");
		SyncHandle<String> handle = handle();
		assertThat(handle.start()).isCompleted();
		assertThat(this.applier.revisions()).containsExactly(0L);
		assertThat(this.applier.lastData()).isEqualTo("initial");
		assertThat(handle.hasSnapshot()).isTrue();
		assertThat(handle.localRevision()).isEqualTo(Revision.ZERO);
		assertThat(handle.state()).isEqualTo(SyncHandle.State.RUNNING);
	}

	@Test
	void startsEmptyWhenSourceHasNoSnapshotYet() {
		SyncHandle<String> handle = handle();
		assertThat(handle.start()).isCompleted();
		assertThat(handle.hasSnapshot()).isFalse();
		this.source.publish(TOPIC, 1, "first");
		assertThat(this.applier.revisions()).containsExactly(1L);
	}

	@Test
	void appliesNewerSnapshotOnNextEventAfterMissedEvents() {
		started(1);
		this.source.put(TOPIC, 2, "v2");
		this.source.put(TOPIC, 3, "v3");
		this.source.publish(TOPIC, 4, "v4");
		assertThat(this.applier.revisions()).containsExactly(1L, 4L);
		assertThat(this.applier.lastData()).isEqualTo("v4");
	}

	@Test
	void dropsInvalidationOlderThanLocalRevision() {
		SyncHandle<String> handle = started(5);
		int fetches = this.source.fetches.get();
		this.source.event(TOPIC, 3);
		// no refresh for the event; one check that the source did not go back
		assertThat(this.source.fetches.get()).isEqualTo(fetches + 1);
		assertThat(this.listener.invalidations(InvalidationOutcome.STALE)).isOne();
		assertThat(this.listener.refreshes(RefreshOutcome.SKIPPED)).isOne();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(5));
		assertThat(this.applier.revisions()).containsExactly(5L);
	}

	@Test
	void dropsDuplicateAndOutOfOrderInvalidationsWithoutFetch() {
		started(1);
		this.source.publish(TOPIC, 7, "v7");
		int fetches = this.source.fetches.get();
		this.source.event(TOPIC, 7);
		this.source.event(TOPIC, 6);
		this.source.event(TOPIC, 2);
		// the duplicate costs nothing; the older ones one (throttled) check of the source
		assertThat(this.source.fetches.get()).isEqualTo(fetches + 1);
		assertThat(this.listener.invalidations(InvalidationOutcome.STALE)).isEqualTo(3);
		assertThat(this.applier.revisions()).containsExactly(1L, 7L);
	}

	@Test
	void laggingProviderAppliesWhatItGetsThenFetchesUntilAnnouncedRevision() {
		SyncHandle<String> handle = started(3);
		this.source.put(TOPIC, 5, "v5");
		this.source.event(TOPIC, 7);
		assertThat(this.applier.revisions()).containsExactly(3L, 5L);
		SyncError gap = this.listener.errors(SyncPhase.FETCH).get(0);
		assertThat(gap.cause()).isInstanceOf(SnapshotLagException.class)
			.hasMessageContaining("answered revision 5 but revision 7 was announced");
		assertThat(gap.willRetry()).isTrue();
		assertThat(gap.snapshotRevision()).isEqualTo(Revision.of(5));
		assertThat(gap.eventRevision()).isEqualTo(Revision.of(7));
		assertThat(gap.nextDelay()).isEqualTo(Duration.ofMillis(50));
		this.source.put(TOPIC, 7, "v7");
		this.scheduler.advance(Duration.ofMillis(50));
		assertThat(this.applier.revisions()).containsExactly(3L, 5L, 7L);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(7));
		assertThat(this.listener.refreshes(RefreshOutcome.APPLIED)).isEqualTo(2);
	}

	@Test
	void laggingProviderReportsGapWhenRetriesRunOut() {
		this.source.put(TOPIC, 3, "v3");
		SyncHandle<String> handle = handle(
				SyncOptions.DEFAULTS.withRetry(new RetryPolicy(3, Duration.ofMillis(100), 2, Duration.ofSeconds(1))));
		handle.start();
		this.source.put(TOPIC, 5, "v5");
		this.source.event(TOPIC, 7);
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(this.source.fetches.get()).isEqualTo(1 + 3);
		List<SyncError> gaps = this.listener.errors(SyncPhase.FETCH);
		assertThat(gaps).extracting(SyncError::attempt).containsExactly(1, 2, 3);
		assertThat(gaps).extracting(SyncError::willRetry).containsExactly(true, true, false);
		assertThat(gaps).allSatisfy((error) -> assertThat(error.cause()).isInstanceOf(SnapshotLagException.class));
		assertThat(handle.localRevision()).isEqualTo(Revision.of(5));
		this.source.publish(TOPIC, 8, "v8");
		assertThat(handle.localRevision()).isEqualTo(Revision.of(8));
	}

	@Test
	void failedApplyLeavesLocalRevisionSoNextEventRetries() {
		SyncHandle<String> handle = started(1);
		this.applier.failOn(2);
		this.source.publish(TOPIC, 2, "v2");
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1));
		SyncError error = this.listener.errors(SyncPhase.APPLY).get(0);
		assertThat(error.snapshotRevision()).isEqualTo(Revision.of(2));
		assertThat(error.cause()).hasMessage("applier refuses revision 2");
		assertThat(this.listener.refreshes(RefreshOutcome.FAILED)).isOne();
		this.applier.recover(2);
		this.source.event(TOPIC, 2);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
		assertThat(this.applier.revisions()).containsExactly(1L, 2L);
	}

	@Test
	void coalescesEventsWhileFetchInFlightIntoOneQueuedRefresh() {
		this.source.manual();
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		this.source.completeFetch();
		assertThat(start).isCompleted();
		this.source.publish(TOPIC, 2, "v2");
		for (int revision = 3; revision <= 100; revision++) {
			this.source.publish(TOPIC, revision, "v" + revision);
		}
		assertThat(this.source.pendingFetches()).isOne();
		this.source.completeFetch(2, "v2");
		// the in-flight fetch was asked for 2 and got it (no lag: 3..100 came later);
		// the one queued refresh follows at once
		assertThat(this.listener.errors(SyncPhase.FETCH)).isEmpty();
		assertThat(this.source.pendingFetches()).isOne();
		this.source.completeFetch();
		assertThat(this.source.fetches.get()).isEqualTo(3);
		assertThat(this.source.pendingFetches()).isZero();
		assertThat(this.applier.revisions()).containsExactly(1L, 2L, 100L);
		assertThat(this.listener.coalesced.get()).isEqualTo(97);
	}

	@Test
	void forgetsAnAnnouncementTheSourceNeverDeliversWithinTheRetryBounds() {
		SyncHandle<String> handle = handle(
				SyncOptions.DEFAULTS.withRetry(new RetryPolicy(2, Duration.ofMillis(10), 2.0, Duration.ofMillis(10))));
		this.source.put(TOPIC, 2, "v2");
		handle.start();
		this.source.event(TOPIC, 100);
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(this.listener.errors(SyncPhase.FETCH)).hasSize(2)
			.last()
			.satisfies((error) -> assertThat(error.willRetry()).isFalse());
		assertThat(handle.announcedRevision()).isEqualTo(Revision.of(2));
		assertThat(handle.refresh()).isCompleted();
		assertThat(this.listener.errors(SyncPhase.FETCH)).as("a later refresh is not lag").hasSize(2);
		this.source.publish(TOPIC, 3, "v3");
		assertThat(this.applier.revisions()).containsExactly(2L, 3L);
	}

	@Test
	void fetchedSnapshotIsAppliedOnTheSchedulerNeverOnTheThreadThatCompletedTheFetch() throws Exception {
		ScheduledExecutorService schedulerThread = Executors
			.newSingleThreadScheduledExecutor((task) -> new Thread(task, "scheduler"));
		ExecutorService ioThread = Executors.newSingleThreadExecutor((task) -> new Thread(task, "io"));
		try {
			List<String> threads = new CopyOnWriteArrayList<>();
			this.source.async(ioThread);
			SyncHandle<String> handle = SyncHandle
				.builder(TOPIC, this.source, this.source, (snapshot) -> threads.add(Thread.currentThread().getName()))
				.scheduler(SyncScheduler.of(schedulerThread))
				.build();
			this.source.put(TOPIC, 1, "v1");
			handle.start().get(5, TimeUnit.SECONDS);
			this.source.publish(TOPIC, 2, "v2");
			await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() == 2);
			handle.stop();
			assertThat(threads).containsOnly("scheduler");
		}
		finally {
			ioThread.shutdown();
			schedulerThread.shutdown();
		}
	}

	@Test
	void reportsTheSizeOfEverySnapshotReadBeforeTheGateDecidesIsolatingAThrowingListener() {
		List<String> reads = new CopyOnWriteArrayList<>();
		List<SnapshotEnvelope<String>> answers = new CopyOnWriteArrayList<>(List.of(
				new SnapshotEnvelope<>(Revision.of(3), "v3", 42), new SnapshotEnvelope<>(Revision.of(3), "v3", 42),
				new SnapshotEnvelope<>(Revision.of(4), "v4")));
		SyncHandle<String> handle = SyncHandle
			.builder(TOPIC, this.source, (topic, known) -> CompletableFuture.completedFuture(answers.remove(0)),
					this.applier)
			.scheduler(this.scheduler)
			.listener(new SyncListener() {

				@Override
				public void onSnapshotRead(String topic, Revision revision, int bytes) {
					throw new IllegalStateException("broken listener");
				}

			})
			.listener(new SyncListener() {

				@Override
				public void onSnapshotRead(String topic, Revision revision, int bytes) {
					reads.add(topic + "@" + revision + ":" + bytes);
				}

			})
			.build();
		assertThat(handle.start()).isCompleted();
		assertThat(handle.refresh()).isCompleted();
		assertThat(handle.refresh()).isCompleted();
		assertThat(this.applier.revisions()).containsExactly(3L, 4L);
		// the second read was skipped by the gate, and the third has no known size
		assertThat(reads).containsExactly("settings@3:42", "settings@3:42");
	}

	@Test
	void queuedRefreshRunsOnceForManyExplicitRefreshes() {
		this.source.manual();
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		CompletableFuture<Void> second = handle.refresh();
		CompletableFuture<Void> third = handle.refresh();
		CompletableFuture<Void> fourth = handle.refresh();
		assertThat(this.source.fetches.get()).isOne();
		this.source.completeFetch();
		assertThat(this.source.fetches.get()).isEqualTo(2);
		assertThat(second).isNotDone();
		this.source.completeFetchUnchanged();
		assertThat(second).isCompleted();
		assertThat(third).isCompleted();
		assertThat(fourth).isCompleted();
		assertThat(this.source.fetches.get()).isEqualTo(2);
		assertThat(this.listener.coalesced.get()).isEqualTo(2);
	}

	@Test
	void queuedRefreshFromEventsIsDroppedWhenInFlightFetchReachedAnnouncedRevision() {
		this.source.manual();
		SyncHandle<String> handle = handle();
		handle.start();
		this.source.publish(TOPIC, 1, "v1");
		this.source.publish(TOPIC, 2, "v2");
		this.source.completeFetch();
		assertThat(this.source.fetches.get()).isOne();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
		// the event for 2 joined the queued refresh, which was then dropped
		assertThat(this.listener.coalesced.get()).isEqualTo(2);
	}

	@Test
	void reportsProtocolErrorFromSubscriberWithoutFetching() {
		SyncHandle<String> handle = started(1);
		this.source.protocolError(TOPIC, new ProtocolException("revision \"01\" is not canonical"));
		assertThat(this.source.fetches.get()).isOne();
		assertThat(this.listener.invalidations(InvalidationOutcome.INVALID)).isOne();
		SyncError error = this.listener.errors(SyncPhase.PROTOCOL).get(0);
		assertThat(error.cause()).hasMessageContaining("not canonical");
		assertThat(error.localRevision()).isEqualTo(Revision.of(1));
		this.source.publish(TOPIC, 2, "v2");
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
	}

	@Test
	void reportsNonCanonicalSnapshotAsProtocolErrorAndNeverAppliesIt() {
		SyncHandle<String> handle = started(1);
		this.source.failNextFetches(catchProtocol(() -> SnapshotEnvelope.parse("02", "bad")));
		this.source.event(TOPIC, 2);
		assertThat(this.source.fetches.get()).isEqualTo(2);
		assertThat(this.listener.errors(SyncPhase.PROTOCOL)).singleElement()
			.satisfies((error) -> assertThat(error.willRetry()).isFalse());
		// no retry: only the timer that turns the topic stale if revision 2 never comes
		assertThat(this.scheduler.pendingTasks()).isOne();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1));
		this.source.publish(TOPIC, 3, "v3");
		assertThat(this.applier.revisions()).containsExactly(1L, 3L);
	}

	@Test
	void reportsSnapshotWithoutDataAsProtocolError() {
		started(1);
		this.source.failNextFetches(new ProtocolException("snapshot at revision 2 has no data"));
		this.source.event(TOPIC, 2);
		assertThat(this.listener.errors(SyncPhase.PROTOCOL)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).hasMessage("snapshot at revision 2 has no data"));
		assertThat(this.applier.revisions()).containsExactly(1L);
	}

	@Test
	void refusesEventForAnotherTopicAsAProtocolError() {
		started(1);
		this.source.deliver(TOPIC, InvalidationEvent.of("other", Revision.of(9)));
		assertThat(this.source.fetches.get()).isOne();
		assertThat(this.listener.invalidations(InvalidationOutcome.INVALID)).isOne();
		assertThat(this.listener.errors(SyncPhase.PROTOCOL)).singleElement()
			.satisfies((error) -> assertThat(error.cause())
				.hasMessage("invalidation event for topic 'other' was delivered to topic 'settings'"));
	}

	@Test
	void startAfterStopThrows() {
		SyncHandle<String> handle = started(1);
		handle.stop();
		assertThatIllegalStateException().isThrownBy(handle::start).withMessageContaining("was stopped");
	}

	@Test
	void startIsIdempotent() {
		SyncHandle<String> handle = started(1);
		assertThat(handle.start()).isCompleted();
		assertThat(this.source.subscribes.get()).isOne();
		assertThat(this.source.fetches.get()).isOne();
	}

	@Test
	void stopIsIdempotentAndUnsubscribesOnce() {
		SyncHandle<String> handle = started(1);
		handle.stop();
		handle.stop();
		assertThat(this.source.cancels.get()).isOne();
		assertThat(this.source.listenerCount(TOPIC)).isZero();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.STOPPED);
	}

	@Test
	void noApplyAfterStopEvenWhenFetchCompletesLater() {
		this.source.manual();
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		this.source.completeFetch();
		this.source.publish(TOPIC, 2, "v2");
		handle.stop();
		this.source.completeFetch();
		assertThat(this.applier.revisions()).containsExactly(1L);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1));
	}

	@Test
	void stopWaitsForApplyInProgress() throws Exception {
		CompletableFuture<Void> applying = new CompletableFuture<>();
		CompletableFuture<Void> release = new CompletableFuture<>();
		List<Long> applied = new CopyOnWriteArrayList<>();
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = SyncHandle.<String>builder(TOPIC, this.source, this.source, (snapshot) -> {
			applying.complete(null);
			release.get();
			applied.add(snapshot.revision().longValue());
		}).scheduler(this.scheduler).build();
		Thread starter = new Thread(handle::start);
		starter.start();
		applying.get();
		Thread stopper = new Thread(handle::stop);
		stopper.start();
		// stop() parks on the apply lock instead of returning while the apply runs
		await().atMost(Duration.ofSeconds(10)).until(() -> stopper.getState() == Thread.State.WAITING);
		assertThat(stopper.isAlive()).isTrue();
		release.complete(null);
		stopper.join();
		assertThat(applied).containsExactly(1L);
		assertThat(handle.state()).isEqualTo(SyncHandle.State.STOPPED);
		starter.join();
	}

	@Test
	void stopCancelsPendingRetry() {
		SyncHandle<String> handle = started(1);
		this.source.failNextFetches(new IOException("connection refused"));
		this.source.put(TOPIC, 2, "v2");
		this.source.event(TOPIC, 2);
		// the retry, and the timer that turns the topic stale if revision 2 never comes
		assertThat(this.scheduler.pendingTasks()).isEqualTo(2);
		handle.stop();
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.advance(Duration.ofSeconds(10));
		assertThat(this.source.fetches.get()).isEqualTo(2);
		assertThat(this.applier.revisions()).containsExactly(1L);
	}

	@Test
	void rollsBackWhenSubscribeFails() {
		this.source.failSubscribe(new IOException("no connection"));
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		assertThat(start).isCompletedExceptionally();
		assertThat(this.listener.errors(SyncPhase.SUBSCRIBE)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).hasMessage("no connection"));
		assertThat(this.source.fetches.get()).isZero();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.NEW);
	}

	@Test
	void rollsBackWhenFirstFetchFailsAndCanStartAgain() {
		this.source.failNextFetches(new IOException("down"));
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE));
		CompletableFuture<Void> start = handle.start();
		assertThat(start).failsWithin(Duration.ZERO).withThrowableThat().havingRootCause().withMessage("down");
		assertThat(this.listener.errors(SyncPhase.FETCH)).hasSize(1);
		assertThat(this.listener.errors(SyncPhase.START)).hasSize(1);
		assertThat(this.source.cancels.get()).isOne();
		assertThat(this.source.listenerCount(TOPIC)).isZero();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.NEW);
		this.source.put(TOPIC, 1, "v1");
		assertThat(handle.start()).isCompleted();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.RUNNING);
		assertThat(this.applier.revisions()).containsExactly(1L);
	}

	@Test
	void startsWithoutSnapshotWhenStartMayNotFail() {
		this.source.failNextFetches(new IOException("down"));
		SyncHandle<String> handle = handle(
				SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE).withFailStartOnError(false));
		assertThat(handle.start()).isCompleted();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.RUNNING);
		assertThat(handle.hasSnapshot()).isFalse();
		this.source.publish(TOPIC, 1, "v1");
		assertThat(this.applier.revisions()).containsExactly(1L);
	}

	@Test
	void startRetriesFirstFetchWithinPolicy() {
		this.source.put(TOPIC, 1, "v1");
		this.source.failNextFetches(new IOException("blip"));
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		assertThat(start).isNotDone();
		this.scheduler.advance(Duration.ofMillis(50));
		assertThat(start).isCompleted();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1));
	}

	@Test
	void listenerThatThrowsDoesNotBreakNextEvent() {
		this.source.put(TOPIC, 1, "v1");
		SyncListener throwing = new SyncListener() {

			@Override
			public void onInvalidation(String topic, InvalidationOutcome outcome) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onApplied(String topic, Revision previous, Revision applied, Long eventTimestampMs) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void onRefresh(String topic, RefreshOutcome outcome, long durationNanos) {
				throw new IllegalStateException("listener bug");
			}

		};
		SyncHandle<String> handle = SyncHandle.builder(TOPIC, this.source, this.source, this.applier)
			.scheduler(this.scheduler)
			.listener(throwing)
			.listener(this.listener)
			.build();
		handle.start();
		this.source.publish(TOPIC, 2, "v2");
		this.source.publish(TOPIC, 3, "v3");
		assertThat(this.applier.revisions()).containsExactly(1L, 2L, 3L);
		assertThat(this.listener.invalidations(InvalidationOutcome.ACCEPTED)).isEqualTo(2);
	}

	@Test
	void refreshIsAllowedBeforeStartAndIsNoOpAfterStop() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		assertThat(handle.refresh()).isCompleted();
		assertThat(this.applier.revisions()).containsExactly(1L);
		handle.stop();
		this.source.put(TOPIC, 2, "v2");
		assertThat(handle.refresh()).isCompleted();
		assertThat(this.source.fetches.get()).isOne();
	}

	@Test
	void resyncFetchesEvenWhenRevisionsSayUpToDate() {
		started(1);
		this.source.put(TOPIC, 2, "v2");
		this.source.resync(TOPIC);
		assertThat(this.applier.revisions()).containsExactly(1L, 2L);
	}

	@Test
	void pollRefreshesOnTimerUntilStopped() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withPollInterval(Duration.ofSeconds(1)));
		handle.start();
		this.source.put(TOPIC, 2, "v2");
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(this.applier.revisions()).containsExactly(1L, 2L);
		handle.stop();
		this.source.put(TOPIC, 3, "v3");
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(this.applier.revisions()).containsExactly(1L, 2L);
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void fetchTimeoutCountsAsFailureAndIsRetried() {
		this.source.manual();
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withFetchTimeout(Duration.ofSeconds(1)));
		CompletableFuture<Void> start = handle.start();
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(this.listener.errors(SyncPhase.FETCH)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).isInstanceOf(TimeoutException.class));
		this.scheduler.advance(Duration.ofMillis(50));
		assertThat(this.source.pendingFetches()).isEqualTo(2);
		this.source.completeFetch();
		this.source.completeFetch();
		assertThat(start).isCompleted();
		assertThat(this.applier.revisions()).containsExactly(1L);
	}

	@Test
	void fetchTimesOutAtItsOwnDeadlineWhenAnEarlierFetchArmedTheTimer() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withFetchTimeout(Duration.ofSeconds(1)));
		assertThat(handle.start()).isCompleted();
		this.source.manual();
		this.source.publish(TOPIC, 2, "v2");
		this.scheduler.advance(Duration.ofMillis(600));
		this.source.completeFetch();
		// this fetch leaves 600 ms after the timer was armed and never answers
		this.source.publish(TOPIC, 3, "v3");
		this.scheduler.advance(Duration.ofMillis(999));
		assertThat(this.listener.errors(SyncPhase.FETCH)).isEmpty();
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(this.listener.errors(SyncPhase.FETCH)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).isInstanceOf(TimeoutException.class));
		// the late answer of the timed-out fetch is ignored; the retry's counts
		this.scheduler.advance(Duration.ofMillis(50));
		this.source.completeFetch(3, "late");
		this.source.completeFetch();
		assertThat(this.applier.revisions()).containsExactly(1L, 2L, 3L);
		assertThat(this.applier.lastData()).isEqualTo("v3");
	}

	@Test
	void backToBackFetchesShareOneTimeoutTimer() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withFetchTimeout(Duration.ofSeconds(1)));
		assertThat(handle.start()).isCompleted();
		this.source.manual();
		for (int revision = 2; revision <= 50; revision++) {
			this.source.publish(TOPIC, revision, "v" + revision);
			this.scheduler.advance(Duration.ofMillis(10));
			this.source.completeFetch();
		}
		assertThat(handle.localRevision()).isEqualTo(Revision.of(50));
		assertThat(this.listener.errors(SyncPhase.FETCH)).isEmpty();
		// 490 ms of fetches: the timer armed by the first is still waiting
		assertThat(this.scheduler.scheduledDelays()).filteredOn(Duration.ofSeconds(1)::equals).hasSize(1);
		this.scheduler.advance(SyncOptions.DEFAULTS.staleAfter());
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void stopLeavesNoTimeoutTimerWhenNoFetchIsInFlight() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		assertThat(handle.start()).isCompleted();
		this.source.manual();
		this.source.publish(TOPIC, 2, "v2");
		this.source.completeFetch();
		// the fetch timeout timer and the stale timer, each armed until it fires once
		assertThat(this.scheduler.pendingTasks()).isEqualTo(2);
		handle.stop();
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void retryBacksOffAndReportsEachAttempt() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS
			.withRetry(new RetryPolicy(4, Duration.ofMillis(100), 2.0, Duration.ofMillis(250))));
		this.source.failNextFetches(new IOException("1"), new IOException("2"), new IOException("3"));
		CompletableFuture<Void> start = handle.start();
		this.scheduler.advance(Duration.ofMillis(49));
		assertThat(this.source.fetches.get()).isOne();
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(this.source.fetches.get()).isEqualTo(2);
		this.scheduler.advance(Duration.ofMillis(100 + 125));
		assertThat(start).isCompleted();
		assertThat(this.source.fetches.get()).isEqualTo(4);
		assertThat(this.listener.retries).extracting(SyncError::attempt).containsExactly(1, 2, 3);
		assertThat(this.listener.retries).extracting(SyncError::nextDelay)
			.containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(125));
		assertThat(this.listener.errors(SyncPhase.FETCH)).extracting(SyncError::willRetry)
			.containsExactly(true, true, true);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1));
	}

	@Test
	void refreshFilterDropsUnwantedEvents() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = SyncHandle.builder(TOPIC, this.source, this.source, this.applier)
			.scheduler(this.scheduler)
			.listener(this.listener)
			.refreshFilter((event) -> !"self".equals(event.sourceId()))
			.build();
		handle.start();
		this.source.put(TOPIC, 2, "v2");
		this.source.deliver(TOPIC, new InvalidationEvent(TOPIC, Revision.of(2), "self", null));
		assertThat(this.source.fetches.get()).isOne();
		assertThat(this.listener.invalidations(InvalidationOutcome.FILTERED)).isOne();
		this.source.deliver(TOPIC, new InvalidationEvent(TOPIC, Revision.of(2), "peer", null));
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
	}

	@Test
	void refreshFilterThatThrowsIsReportedAsInvalidationError() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = SyncHandle.builder(TOPIC, this.source, this.source, this.applier)
			.scheduler(this.scheduler)
			.listener(this.listener)
			.refreshFilter((event) -> {
				throw new IllegalStateException("filter bug");
			})
			.build();
		handle.start();
		this.source.publish(TOPIC, 2, "v2");
		assertThat(this.listener.errors(SyncPhase.INVALIDATION)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).hasMessage("filter bug"));
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1));
	}

	@Test
	void ownWriteAppliedLocallyMakesItsEchoStale() {
		SyncHandle<String> handle = started(1);
		this.source.put(TOPIC, 2, "mine");
		assertThat(handle.applyLocal(new SnapshotEnvelope<>(Revision.of(2), "mine"))).isTrue();
		this.source.event(TOPIC, 2);
		assertThat(this.source.fetches.get()).isOne();
		assertThat(this.listener.invalidations(InvalidationOutcome.STALE)).isOne();
		assertThat(handle.applyLocal(new SnapshotEnvelope<>(Revision.of(2), "again"))).isFalse();
	}

	@Test
	void passesEventTimestampOfAppliedRevisionToListeners() {
		started(1);
		this.source.put(TOPIC, 2, "v2");
		this.source.deliver(TOPIC, new InvalidationEvent(TOPIC, Revision.of(2), null, 1764000000000L));
		assertThat(this.listener.applied).containsExactly(Revision.of(1), Revision.of(2));
		assertThat(this.listener.appliedTimestamps).containsExactly(null, 1764000000000L);
	}

	@Test
	void topicsAreIsolatedAcrossHandles() {
		RecordingApplier<String> otherApplier = new RecordingApplier<>();
		this.source.put(TOPIC, 1, "v1");
		this.source.put("pricing", 1, "p1");
		SyncHandle<String> settings = handle();
		SyncHandle<String> pricing = SyncHandle.builder("pricing", this.source, this.source, otherApplier)
			.scheduler(this.scheduler)
			.build();
		settings.start();
		pricing.start();
		otherApplier.failOn(2);
		this.source.publish("pricing", 2, "p2");
		this.source.publish(TOPIC, 2, "v2");
		pricing.stop();
		this.source.publish(TOPIC, 3, "v3");
		assertThat(this.applier.revisions()).containsExactly(1L, 2L, 3L);
		assertThat(otherApplier.revisions()).containsExactly(1L);
		assertThat(settings.state()).isEqualTo(SyncHandle.State.RUNNING);
	}

	private static ProtocolException catchProtocol(Runnable parse) {
		try {
			parse.run();
		}
		catch (ProtocolException ex) {
			return ex;
		}
		throw new AssertionError("expected a protocol error");
	}

}
