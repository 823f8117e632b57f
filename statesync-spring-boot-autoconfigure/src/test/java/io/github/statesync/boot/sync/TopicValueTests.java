package io.github.statesync.boot.sync;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncStatus;
import io.github.statesync.core.engine.TopicStatus;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Status and waits of a {@link TopicValue} before and after its handle exists.
 */
class TopicValueTests {

	private final TopicValue<String> value = new TopicValue<>("settings");

	private SyncHandle<String> handle(long revision) {
		return SyncHandle.<String>builder("settings", (topic, listener) -> () -> {
		}, (topic, known) -> CompletableFuture.completedFuture(new SnapshotEnvelope<>(Revision.of(revision), "v")),
				(snapshot) -> this.value.swap(snapshot.revision(), snapshot.data()))
			.build();
	}

	@Test
	void isInitializingBeforeItsHandleExists() {
		assertThat(this.value.status().status()).isEqualTo(TopicStatus.INITIALIZING);
		assertThat(this.value.whenStatus(TopicStatus.INITIALIZING)).isCompleted();
	}

	@Test
	void waitsAskedForBeforeStartAreHandedToTheHandle() throws Exception {
		CompletableFuture<Revision> applied = this.value.whenApplied(Revision.of(3));
		CompletableFuture<SyncStatus> current = this.value.whenStatus(TopicStatus.CURRENT);
		SyncHandle<String> handle = handle(3);
		this.value.attach(handle);
		handle.start().get(10, TimeUnit.SECONDS);
		assertThat(applied.get(10, TimeUnit.SECONDS)).isEqualTo(Revision.of(3));
		assertThat(current.get(10, TimeUnit.SECONDS).status()).isEqualTo(TopicStatus.CURRENT);
		assertThat(this.value.status().status()).isEqualTo(TopicStatus.CURRENT);
		handle.stop();
		assertThat(this.value.status().status()).isEqualTo(TopicStatus.STOPPED);
	}

	@Test
	void waitThatTimesOutBeforeStartIsForgotten() {
		CompletableFuture<Revision> applied = this.value.whenApplied(Revision.of(3))
			.orTimeout(10, TimeUnit.MILLISECONDS);
		await().atMost(Duration.ofSeconds(5)).until(applied::isDone);
		SyncHandle<String> handle = handle(3);
		this.value.attach(handle);
		handle.start().join();
		assertThat(applied).isCompletedExceptionally();
		handle.stop();
	}

}
