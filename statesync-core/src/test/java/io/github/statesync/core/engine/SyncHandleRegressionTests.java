package io.github.statesync.core.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source that goes back: Redis restored from an older backup, a revision key
 * overwritten, an owner that once answered a revision it should not have, an archived
 * snapshot from another environment. No node may stay stranded on a revision its source
 * no longer has, and none may do so silently.
 */
class SyncHandleRegressionTests {

	private static final String TOPIC = "settings";

	private static final long HIGHEST = -1L;

	private static final long HIGHEST_BUT_ONE = -2L;

	private final ManualScheduler scheduler = new ManualScheduler();

	private final TestSource<String> source = new TestSource<>();

	private final RecordingApplier<String> applier = new RecordingApplier<>();

	private final RecordingListener listener = new RecordingListener();

	private final MemoryArchive<String> archive = new MemoryArchive<>();

	private SyncHandle<String> handle(SyncOptions options) {
		return SyncHandle.builder(TOPIC, this.source, this.source, this.applier)
			.options(options)
			.scheduler(this.scheduler)
			.listener(this.listener)
			.archive(this.archive)
			.random(SyncHandleTests.HALF)
			.build();
	}

	private SyncHandle<String> started(long revision, SyncOptions options) {
		this.source.put(TOPIC, revision, "v" + revision);
		SyncHandle<String> handle = handle(options);
		assertThat(handle.start()).isCompleted();
		return handle;
	}

	@Test
	void followsASourceThatWentBackOnceASecondAnswerConfirmsIt() {
		SyncHandle<String> handle = started(5, SyncOptions.DEFAULTS);
		this.source.put(TOPIC, 3, "rewound");
		CompletableFuture<Void> refresh = handle.refresh();
		// one answer below the local revision is not yet a regression
		assertThat(this.listener.errors(SyncPhase.REGRESSION)).isEmpty();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(5));
		this.scheduler.advance(Duration.ofMillis(50));
		assertThat(refresh).isCompleted();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(3));
		assertThat(this.applier.lastData()).isEqualTo("rewound");
		assertThat(this.listener.errors(SyncPhase.REGRESSION)).singleElement().satisfies((error) -> {
			assertThat(error.cause()).isInstanceOf(SourceRegressionException.class)
				.hasMessageContaining("holds revision 3, older than revision 5 this node applied")
				.hasMessageContaining("following the source");
			assertThat(error.localRevision()).isEqualTo(Revision.of(5));
			assertThat(error.snapshotRevision()).isEqualTo(Revision.of(3));
		});
		this.source.publish(TOPIC, 4, "after the rewind");
		assertThat(handle.localRevision()).isEqualTo(Revision.of(4));
		assertThat(this.applier.lastData()).isEqualTo("after the rewind");
	}

	@Test
	void holdsItsSnapshotAndReportsWhenThePolicyIsHold() {
		SyncHandle<String> handle = started(5, SyncOptions.DEFAULTS.withOnRegression(RegressionPolicy.HOLD));
		this.source.put(TOPIC, 3, "rewound");
		CompletableFuture<Void> refresh = handle.refresh();
		this.scheduler.advance(Duration.ofMillis(50));
		assertThat(refresh).isCompletedExceptionally();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(5));
		assertThat(this.applier.revisions()).containsExactly(5L);
		assertThat(this.listener.errors(SyncPhase.REGRESSION)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).hasMessageContaining("holding revision 5"));
		this.source.publish(TOPIC, 6, "newer write");
		assertThat(handle.localRevision()).isEqualTo(Revision.of(6));
	}

	@Test
	void aLaggingAnswerThatCatchesUpIsNoRegression() {
		SyncHandle<String> handle = started(5, SyncOptions.DEFAULTS);
		this.source.put(TOPIC, 3, "replica behind");
		handle.refresh();
		this.source.put(TOPIC, 6, "replica caught up");
		this.scheduler.advance(Duration.ofMillis(50));
		assertThat(handle.localRevision()).isEqualTo(Revision.of(6));
		assertThat(this.applier.revisions()).containsExactly(5L, 6L);
		assertThat(this.listener.errors(SyncPhase.REGRESSION)).isEmpty();
	}

	@Test
	void anAnswerOlderThanARevisionAppliedAfterTheFetchLeftIsNoRegression() {
		this.source.manual();
		this.source.put(TOPIC, 5, "v5");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS);
		CompletableFuture<Void> start = handle.start();
		this.source.completeFetch();
		assertThat(start).isCompleted();
		handle.refresh();
		// the node's own write lands while the fetch is out: the fetch's answer is older
		handle.applyLocal(new SnapshotEnvelope<>(Revision.of(7), "own write"));
		this.source.completeFetch(5, "v5");
		this.scheduler.advance(Duration.ofSeconds(5));
		assertThat(this.source.pendingFetches()).isZero();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(7));
		assertThat(this.listener.errors(SyncPhase.REGRESSION)).isEmpty();
	}

	@Test
	void anInvalidationOlderThanTheLocalRevisionMakesTheNodeCheckItsSourceAtMostOncePerSecond() {
		SyncHandle<String> handle = started(5, SyncOptions.DEFAULTS);
		int fetches = this.source.fetches.get();
		// a writer whose store was rewound to 1 hands out revision 2 again
		this.source.put(TOPIC, 2, "written after the rewind");
		this.source.event(TOPIC, 2);
		this.source.event(TOPIC, 2);
		assertThat(this.source.fetches.get()).isEqualTo(fetches + 1);
		this.scheduler.advance(Duration.ofMillis(50));
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
		assertThat(this.applier.lastData()).isEqualTo("written after the rewind");
		assertThat(this.listener.errors(SyncPhase.REGRESSION)).hasSize(1);
		assertThat(this.listener.invalidations(InvalidationOutcome.STALE)).isEqualTo(2);
		int afterFollow = this.source.fetches.get();
		this.source.event(TOPIC, 1);
		assertThat(this.source.fetches.get()).as("within a second of the last check").isEqualTo(afterFollow);
		this.scheduler.advance(Duration.ofSeconds(1));
		this.source.event(TOPIC, 1);
		assertThat(this.source.fetches.get()).isEqualTo(afterFollow + 1);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
	}

	@Test
	void aReaderOfAnOwnerThatOnceAnsweredTheHighestRevisionIsNotFrozen() {
		SyncHandle<String> handle = started(HIGHEST, SyncOptions.DEFAULTS);
		assertThat(handle.localRevision()).isEqualTo(Revision.parse("18446744073709551615"));
		// the owner is healthy again and writes on
		this.source.publish(TOPIC, 10, "healthy");
		this.scheduler.advance(Duration.ofMillis(50));
		assertThat(handle.localRevision()).isEqualTo(Revision.of(10));
		this.source.publish(TOPIC, 11, "next");
		assertThat(handle.localRevision()).isEqualTo(Revision.of(11));
		assertThat(this.listener.errors(SyncPhase.REGRESSION)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).hasMessageContaining("18446744073709551615"));
	}

	@Test
	void anArchivedSnapshotNeverOutranksTheSource() {
		this.archive.holding(TOPIC, HIGHEST_BUT_ONE, "planted");
		this.source.failNextFetches(new IOException("down"));
		this.source.put(TOPIC, 8, "source");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS);
		CompletableFuture<Void> start = handle.start();
		assertThat(this.applier.lastData()).isEqualTo("planted");
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(start).isCompleted();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(8));
		assertThat(this.applier.lastData()).isEqualTo("source");
		this.source.publish(TOPIC, 9, "next");
		assertThat(handle.localRevision()).isEqualTo(Revision.of(9));
		assertThat(this.listener.errors(SyncPhase.REGRESSION)).as("a fallback replaced, not a regression").isEmpty();
	}

	@Test
	void aHandleOnItsArchivedSnapshotTakesAnEventWithALowerRevision() {
		this.archive.holding(TOPIC, HIGHEST_BUT_ONE, "planted");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withFailStartOnError(false)
			.withRetry(new RetryPolicy(1, Duration.ofMillis(100), 2, Duration.ofSeconds(1))));
		this.source.failNextFetches(new IOException("down"));
		handle.start();
		assertThat(this.applier.lastData()).isEqualTo("planted");
		this.source.publish(TOPIC, 9, "source is back");
		assertThat(handle.localRevision()).isEqualTo(Revision.of(9));
		assertThat(this.applier.lastData()).isEqualTo("source is back");
	}

}
