package io.github.statesync.core.engine;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The topic status: its transitions, the timer that turns a handle stale, and the waits.
 */
class SyncHandleStatusTests {

	private static final String TOPIC = "settings";

	private static final Duration STALE_AFTER = SyncOptions.DEFAULT_STALE_AFTER;

	private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

	private final ManualScheduler scheduler = new ManualScheduler();

	private final TestSource<String> source = new TestSource<>();

	private final RecordingApplier<String> applier = new RecordingApplier<>();

	private final RecordingListener listener = new RecordingListener();

	private final MemoryArchive<String> archive = new MemoryArchive<>();

	private SyncHandle<String> handle(SyncOptions options, boolean withArchive) {
		SyncHandle.Builder<String> builder = SyncHandle.builder(TOPIC, this.source, this.source, this.applier)
			.options(options)
			.scheduler(this.scheduler)
			.listener(this.listener)
			.clock(Clock.fixed(NOW, ZoneOffset.UTC))
			.random(SyncHandleTests.HALF);
		if (withArchive) {
			builder.archive(this.archive);
		}
		return builder.build();
	}

	private SyncHandle<String> handle() {
		return handle(SyncOptions.DEFAULTS, false);
	}

	@Test
	void normalStartGoesFromInitializingToCurrent() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		assertThat(handle.status().status()).isEqualTo(TopicStatus.INITIALIZING);
		assertThat(handle.status().since()).isEqualTo(NOW);
		handle.start();
		assertThat(handle.status()).isEqualTo(new SyncStatus(TopicStatus.CURRENT, NOW, null));
		assertThat(this.listener.statusChanges()).containsExactly(TopicStatus.INITIALIZING, TopicStatus.CURRENT);
	}

	@Test
	void startWithoutSnapshotStaysInitializingAndSaysWhy() {
		this.source.failNextFetches(new IOException("connection refused"));
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE).withFailStartOnError(false),
				false);
		handle.start();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.RUNNING);
		assertThat(handle.status().status()).isEqualTo(TopicStatus.INITIALIZING);
		assertThat(handle.status().cause()).contains("FETCH IOException: connection refused");
		this.scheduler.advance(STALE_AFTER.multipliedBy(2));
		assertThat(handle.status().status()).isEqualTo(TopicStatus.INITIALIZING);
		this.source.put(TOPIC, 4, "v4");
		this.source.event(TOPIC, 4);
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
	}

	@Test
	void startOnArchiveWithSourceDownIsOnArchiveUntilTheSourceAnswers() {
		this.archive.holding(TOPIC, 5, "archived");
		this.source.failNextFetches(new IOException("connection refused"));
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE), true);
		CompletableFuture<SyncStatus> current = handle.whenStatus(TopicStatus.CURRENT);
		handle.start();
		assertThat(handle.status().status()).isEqualTo(TopicStatus.ON_ARCHIVE);
		assertThat(handle.status().cause()).contains("archived snapshot at revision 5")
			.contains("IOException: connection refused");
		// running on the archive is its own status: not stale however long it lasts
		this.scheduler.advance(STALE_AFTER.multipliedBy(2));
		assertThat(handle.status().status()).isEqualTo(TopicStatus.ON_ARCHIVE);
		assertThat(current).isNotDone();
		this.source.put(TOPIC, 8, "v8");
		this.source.resync(TOPIC);
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
		assertThat(current).isCompletedWithValueMatching((status) -> status.status() == TopicStatus.CURRENT);
		assertThat(this.listener.statusChanges()).containsExactly(TopicStatus.INITIALIZING, TopicStatus.ON_ARCHIVE,
				TopicStatus.CURRENT);
	}

	@Test
	void archiveAtTheSourcesRevisionTurnsCurrentWhenTheSourceAnswersIt() {
		this.archive.holding(TOPIC, 5, "archived");
		this.source.failNextFetches(new IOException("connection refused"));
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE), true);
		handle.start();
		assertThat(handle.status().status()).isEqualTo(TopicStatus.ON_ARCHIVE);
		this.source.put(TOPIC, 5, "archived");
		this.source.resync(TOPIC);
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
	}

	@Test
	void outageLongerThanStaleAfterTurnsStaleAndRecoveryTurnsCurrent() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		IOException down = new IOException("connection refused");
		this.source.failNextFetches(down, down, down, down, down);
		handle.refresh();
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(this.listener.errors(SyncPhase.FETCH)).hasSize(5);
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
		this.scheduler.advance(STALE_AFTER.minusSeconds(6));
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(handle.status().status()).isEqualTo(TopicStatus.STALE);
		assertThat(handle.status().cause()).contains("source has not been reached")
			.contains("holding 1")
			.contains("FETCH IOException: connection refused");
		this.source.put(TOPIC, 2, "v2");
		this.source.resync(TOPIC);
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
		assertThat(handle.status().cause()).isNull();
		assertThat(this.listener.statusChanges()).containsExactly(TopicStatus.INITIALIZING, TopicStatus.CURRENT,
				TopicStatus.STALE, TopicStatus.CURRENT);
	}

	@Test
	void ownWriteAppliedLocallyEndsAnOutage() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE), false);
		handle.start();
		this.source.failNextFetches(new IOException("connection refused"));
		handle.refresh();
		this.scheduler.advance(STALE_AFTER);
		assertThat(handle.status().status()).isEqualTo(TopicStatus.STALE);
		handle.applyLocal(new SnapshotEnvelope<>(Revision.of(2), "v2"));
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
	}

	@Test
	void fetchFailureRepairedByARetryNeverTurnsStale() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		this.source.failNextFetches(new IOException("reset"));
		this.source.publish(TOPIC, 2, "v2");
		this.scheduler.advance(STALE_AFTER.multipliedBy(2));
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
		assertThat(this.listener.statusChanges()).containsExactly(TopicStatus.INITIALIZING, TopicStatus.CURRENT);
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void announcedRevisionNotAppliedWithinStaleAfterTurnsStale() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		// a lagging source: the event announces 2, the source keeps answering 1
		this.source.event(TOPIC, 2);
		this.scheduler.advance(STALE_AFTER.minusSeconds(1));
		assertThat(this.listener.errors(SyncPhase.FETCH)).isNotEmpty();
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(handle.status().status()).isEqualTo(TopicStatus.STALE);
		assertThat(handle.status().cause()).contains("revision 2 is known but not applied").contains("holding 1");
		this.source.publish(TOPIC, 3, "v3");
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void snapshotThatFailsToApplyTurnsStaleAfterTheBound() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withStaleAfter(Duration.ofSeconds(5)), false);
		handle.start();
		this.applier.failOn(2);
		this.source.publish(TOPIC, 2, "v2");
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(handle.status().status()).isEqualTo(TopicStatus.STALE);
		assertThat(handle.status().cause()).contains("revision 2 is known but not applied").contains("APPLY");
	}

	@Test
	void steadyWritesThatAreAppliedDoNotTurnStale() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withStaleAfter(Duration.ofSeconds(5)), false);
		this.source.manual();
		handle.start();
		this.source.completeFetch();
		// each event finds the previous one's fetch still in flight: always one behind
		for (int revision = 2; revision < 40; revision++) {
			this.source.publish(TOPIC, revision, "v" + revision);
			this.scheduler.advance(Duration.ofSeconds(1));
			this.source.completeFetch(revision - 1, "v" + (revision - 1));
		}
		assertThat(handle.localRevision().longValue()).isGreaterThan(30);
		assertThat(this.listener.statusChanges()).doesNotContain(TopicStatus.STALE);
	}

	@Test
	void noTimerIsScheduledWhileNothingIsPending() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.source.manual();
		this.source.event(TOPIC, 2);
		// the fetch timeout and the stale timer
		assertThat(this.scheduler.pendingTasks()).isEqualTo(2);
		this.source.completeFetch(2, "v2");
		// both timers are one per handle, not per fetch or revision: each ends when it
		// fires and finds nothing to watch, one fetch timeout or stale-after later
		assertThat(this.scheduler.pendingTasks()).isEqualTo(2);
		this.scheduler.advance(STALE_AFTER);
		assertThat(this.scheduler.pendingTasks()).isZero();
		assertThat(this.listener.errors(SyncPhase.FETCH)).isEmpty();
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
	}

	@Test
	void revisionsAnnouncedAndAppliedBackToBackShareOneStaleTimer() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		for (int revision = 2; revision <= 50; revision++) {
			this.source.publish(TOPIC, revision, "v" + revision);
			this.scheduler.advance(Duration.ofMillis(100));
		}
		assertThat(handle.localRevision()).isEqualTo(Revision.of(50));
		assertThat(this.scheduler.scheduledDelays()).filteredOn(STALE_AFTER::equals).hasSize(1);
		this.scheduler.advance(STALE_AFTER);
		assertThat(this.scheduler.pendingTasks()).isZero();
		assertThat(this.listener.statusChanges()).doesNotContain(TopicStatus.STALE);
	}

	@Test
	void aRevisionPendingLongerThanStaleAfterTurnsStaleAtItsOwnDeadlineAfterTheTimerWasArmedEarlier() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		this.source.publish(TOPIC, 2, "v2");
		this.scheduler.advance(Duration.ofSeconds(10));
		// announced 10 s after the timer was armed, never delivered by the source
		this.source.event(TOPIC, 3);
		this.scheduler.advance(STALE_AFTER.minusMillis(1));
		assertThat(handle.status().status()).isEqualTo(TopicStatus.CURRENT);
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(handle.status().status()).isEqualTo(TopicStatus.STALE);
	}

	@Test
	void stopTurnsStoppedFailsWaitsAndCompletesTheWaitForStopped() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		CompletableFuture<Revision> revision = handle.whenApplied(Revision.of(5));
		CompletableFuture<SyncStatus> stale = handle.whenStatus(TopicStatus.STALE);
		CompletableFuture<SyncStatus> stopped = handle.whenStatus(TopicStatus.STOPPED);
		handle.stop();
		assertThat(handle.status().status()).isEqualTo(TopicStatus.STOPPED);
		assertThat(revision).isCompletedExceptionally();
		assertThat(stale).isCompletedExceptionally();
		assertThat(stopped).isCompletedWithValueMatching((status) -> status.status() == TopicStatus.STOPPED);
		assertThat(handle.whenApplied(Revision.of(6))).isCompletedExceptionally();
		assertThat(handle.whenStatus(TopicStatus.CURRENT)).isCompletedExceptionally();
		assertThat(this.listener.statusChanges()).endsWith(TopicStatus.CURRENT, TopicStatus.STOPPED);
	}

	@Test
	void stopWhileStaleCancelsTheTimer() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		this.source.manual();
		this.source.event(TOPIC, 2);
		// the fetch timeout and the stale timer
		assertThat(this.scheduler.pendingTasks()).isEqualTo(2);
		handle.stop();
		assertThat(this.scheduler.pendingTasks()).isOne();
		assertThat(handle.status().status()).isEqualTo(TopicStatus.STOPPED);
	}

	@Test
	void whenAppliedCompletesOnceTheRevisionIsApplied() {
		SyncHandle<String> handle = handle();
		CompletableFuture<Revision> first = handle.whenApplied(Revision.ZERO);
		CompletableFuture<Revision> third = handle.whenApplied(Revision.of(3));
		this.source.put(TOPIC, 1, "v1");
		handle.start();
		assertThat(first).isCompletedWithValue(Revision.of(1));
		this.source.publish(TOPIC, 2, "v2");
		assertThat(third).isNotDone();
		this.source.publish(TOPIC, 4, "v4");
		assertThat(third).isCompletedWithValue(Revision.of(4));
		assertThat(handle.whenApplied(Revision.of(4))).isCompletedWithValue(Revision.of(4));
	}

	@Test
	void waitThatTheCallerCancelsIsNotCompletedLater() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		CompletableFuture<Revision> cancelled = handle.whenApplied(Revision.of(2));
		cancelled.cancel(false);
		this.source.publish(TOPIC, 2, "v2");
		assertThat(cancelled).isCancelled();
	}

	@Test
	void listenerThatThrowsDoesNotStopTheStatus() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = SyncHandle.builder(TOPIC, this.source, this.source, this.applier)
			.scheduler(this.scheduler)
			.listener(new SyncListener() {
				@Override
				public void onStatusChanged(String topic, SyncStatus previous, SyncStatus current) {
					throw new IllegalStateException("boom");
				}
			})
			.listener(this.listener)
			.build();
		CompletableFuture<SyncStatus> current = handle.whenStatus(TopicStatus.CURRENT);
		handle.start();
		assertThat(current).isCompleted();
		assertThat(this.listener.statusChanges()).containsExactly(TopicStatus.INITIALIZING, TopicStatus.CURRENT);
	}

}
