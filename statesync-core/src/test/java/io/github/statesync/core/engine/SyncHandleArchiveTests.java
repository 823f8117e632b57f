package io.github.statesync.core.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The last-known-good archive: what a handle saves, and when it falls back to it.
 */
class SyncHandleArchiveTests {

	private static final String TOPIC = "settings";

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

	private SyncHandle<String> handle() {
		return handle(SyncOptions.DEFAULTS);
	}

	@Test
	void archivesEverySnapshotItApplies() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		this.source.publish(TOPIC, 2, "v2");
		handle.applyLocal(new SnapshotEnvelope<>(Revision.of(3), "v3"));
		assertThat(this.archive.saved).containsExactly(1L, 2L, 3L);
		assertThat(this.archive.stored(TOPIC).data()).isEqualTo("v3");
	}

	@Test
	void startsOnArchivedSnapshotWhenSourceIsUnreachableAndKeepsTryingIt() {
		this.archive.holding(TOPIC, 5, "archived");
		this.source.failNextFetches(new IOException("down"), new IOException("down"));
		this.source.put(TOPIC, 8, "v8");
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		assertThat(this.applier.revisions()).containsExactly(5L);
		assertThat(this.applier.lastData()).isEqualTo("archived");
		assertThat(handle.localRevision()).isEqualTo(Revision.of(5));
		assertThat(this.listener.errors(SyncPhase.FETCH)).singleElement()
			.satisfies((error) -> assertThat(error.willRetry()).isTrue());
		this.scheduler.advance(Duration.ofSeconds(30));
		assertThat(start).isCompleted();
		assertThat(this.applier.revisions()).containsExactly(5L, 8L);
		assertThat(this.archive.loads).hasValue(1);
		assertThat(this.archive.saved).containsExactly(8L);
	}

	@Test
	void requiredTopicStartsOnArchivedSnapshotWhenSourceSnapshotFailsToApply() {
		this.archive.holding(TOPIC, 5, "archived");
		this.source.put(TOPIC, 8, "new schema");
		this.applier.failOn(8);
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE));
		assertThat(handle.options().failStartOnError()).isTrue();
		CompletableFuture<Void> start = handle.start();
		assertThat(start).isCompleted();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.RUNNING);
		assertThat(this.applier.revisions()).containsExactly(5L);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(5));
		assertThat(this.listener.errors(SyncPhase.APPLY)).singleElement()
			.satisfies((error) -> assertThat(error.snapshotRevision()).isEqualTo(Revision.of(8)));
		assertThat(this.listener.errors(SyncPhase.START)).isEmpty();
		assertThat(this.archive.loads).hasValue(1);
	}

	@Test
	void requiredTopicStartsOnArchivedSnapshotWhenSourceAnswersAProtocolError() {
		this.archive.holding(TOPIC, 5, "archived");
		this.source.failNextFetches(new ProtocolException("snapshot: revision \"01\" is not canonical"));
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE));
		CompletableFuture<Void> start = handle.start();
		assertThat(start).isCompleted();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.RUNNING);
		assertThat(this.applier.revisions()).containsExactly(5L);
		assertThat(this.listener.errors(SyncPhase.PROTOCOL)).hasSize(1);
		assertThat(this.archive.loads).hasValue(1);
	}

	@Test
	void archiveIsRestoredOnlyOnceWhenSourceSnapshotKeepsFailingToApply() {
		this.archive.holding(TOPIC, 5, "archived");
		this.applier.failOn(5);
		this.source.put(TOPIC, 8, "new schema");
		this.applier.failOn(8);
		SyncHandle<String> handle = handle(
				SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE).withFailStartOnError(false));
		handle.start();
		this.source.event(TOPIC, 8);
		assertThat(this.archive.loads).hasValue(1);
		assertThat(this.listener.errors(SyncPhase.ARCHIVE)).hasSize(1);
		assertThat(handle.hasSnapshot()).isFalse();
	}

	@Test
	void requiredTopicStartsOnArchivedSnapshotWhenSourceStaysDown() {
		this.archive.holding(TOPIC, 5, "archived");
		this.source.failNextFetches(new IOException("down"));
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE));
		assertThat(handle.options().failStartOnError()).isTrue();
		CompletableFuture<Void> start = handle.start();
		assertThat(start).isCompleted();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.RUNNING);
		assertThat(this.listener.errors(SyncPhase.START)).isEmpty();
		this.source.publish(TOPIC, 6, "v6");
		assertThat(this.applier.revisions()).containsExactly(5L, 6L);
	}

	@Test
	void restoresArchivedSnapshotWhenSubscribingFailsAndCanStillStartLater() {
		this.archive.holding(TOPIC, 5, "archived");
		this.source.failSubscribe(new IOException("no connection"));
		SyncHandle<String> handle = handle();
		assertThat(handle.start()).isCompletedExceptionally();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.NEW);
		assertThat(this.applier.revisions()).containsExactly(5L);
		this.source.failSubscribe(null);
		this.source.put(TOPIC, 6, "v6");
		assertThat(handle.start()).isCompleted();
		assertThat(this.applier.revisions()).containsExactly(5L, 6L);
	}

	@Test
	void startsOnArchivedSnapshotWhenSourceHoldsNone() {
		this.archive.holding(TOPIC, 5, "archived");
		SyncHandle<String> handle = handle();
		assertThat(handle.start()).isCompleted();
		assertThat(this.applier.revisions()).containsExactly(5L);
		assertThat(this.listener.errors).isEmpty();
	}

	@Test
	void theSourceReplacesTheArchivedSnapshotEvenWithAnOlderRevision() {
		this.archive.holding(TOPIC, 5, "archived");
		this.source.failNextFetches(new IOException("down"));
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE));
		handle.start();
		this.source.put(TOPIC, 4, "older");
		assertThat(handle.refresh()).isCompleted();
		assertThat(this.applier.revisions()).containsExactly(5L, 4L);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(4));
		assertThat(this.listener.errors(SyncPhase.REGRESSION)).isEmpty();
	}

	@Test
	void archiveIsNotReadWhileTheHandleHoldsASnapshot() {
		this.archive.holding(TOPIC, 9, "archived");
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE));
		handle.start();
		this.source.failNextFetches(new IOException("down"));
		this.source.event(TOPIC, 2);
		assertThat(this.archive.loads).hasValue(0);
		assertThat(this.applier.revisions()).containsExactly(1L);
	}

	@Test
	void unreadableArchiveIsReportedAndIgnored() {
		this.archive.failLoads(new IOException("checksum mismatch"));
		this.source.failNextFetches(new IOException("down"));
		SyncHandle<String> handle = handle(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE));
		CompletableFuture<Void> start = handle.start();
		assertThat(start).isCompletedExceptionally();
		assertThat(this.listener.errors(SyncPhase.ARCHIVE)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).hasMessage("checksum mismatch"));
		assertThat(this.applier.revisions()).isEmpty();
		assertThat(handle.state()).isEqualTo(SyncHandle.State.NEW);
	}

	@Test
	void archivedSnapshotThatNoLongerAppliesIsReportedAndSkipped() {
		this.archive.holding(TOPIC, 5, "old schema");
		this.applier.failOn(5);
		this.source.failNextFetches(new IOException("down"));
		SyncHandle<String> handle = handle(
				SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE).withFailStartOnError(false));
		handle.start();
		assertThat(this.listener.errors(SyncPhase.ARCHIVE)).singleElement()
			.satisfies((error) -> assertThat(error.snapshotRevision()).isEqualTo(Revision.of(5)));
		assertThat(this.listener.errors(SyncPhase.APPLY)).isEmpty();
		assertThat(handle.hasSnapshot()).isFalse();
		this.source.publish(TOPIC, 6, "v6");
		assertThat(this.applier.revisions()).containsExactly(6L);
		assertThat(this.archive.loads).hasValue(1);
	}

	@Test
	void applyNestedInAnotherArchivesTheNewerSnapshotOnly() {
		AtomicReference<SyncHandle<String>> self = new AtomicReference<>();
		self.set(SyncHandle.builder(TOPIC, this.source, this.source, (snapshot) -> {
			if (snapshot.revision().longValue() == 5) {
				// a listener that publishes and applies its own write
				self.get().applyLocal(new SnapshotEnvelope<>(Revision.of(6), "v6"));
			}
		}).scheduler(this.scheduler).archive(this.archive).build());
		this.source.put(TOPIC, 5, "v5");
		assertThat(self.get().start()).isCompleted();
		assertThat(self.get().localRevision()).isEqualTo(Revision.of(6));
		assertThat(this.archive.saved).containsExactly(6L);
	}

	@Test
	void failedArchiveWriteIsReportedAndTheSnapshotStaysApplied() {
		this.archive.failSaves(new IOException("disk full"));
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		assertThat(handle.start()).isCompleted();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1));
		assertThat(this.listener.errors(SyncPhase.ARCHIVE)).singleElement()
			.satisfies((error) -> assertThat(error.cause()).hasMessage("disk full"));
	}

}
