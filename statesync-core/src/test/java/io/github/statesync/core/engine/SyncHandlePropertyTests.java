package io.github.statesync.core.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds a handle random interleavings of writes, events (late, duplicated, lost), fetch
 * answers (current, lagging, unchanged, failed, malformed), apply failures, resyncs and
 * time, and checks the engine's invariants after every step. A source that answers the
 * same older revision twice in a row looks exactly like one that lost its data, which the
 * handle follows back ({@link RegressionPolicy#FOLLOW}); what must never happen is a step
 * back that was not reported as a regression.
 */
class SyncHandlePropertyTests {

	private static final String TOPIC = "settings";

	@Property(tries = 300)
	void neverAppliesOlderAfterNewerAndEndsOnHighestAnnouncedRevision(
			@ForAll @Size(max = 80) List<@IntRange(min = 0, max = 9) Integer> actions, @ForAll long seed) {
		Random random = new Random(seed);
		ManualScheduler scheduler = new ManualScheduler();
		TestSource<Long> source = new TestSource<Long>().manual();
		SyncHandleConcurrencyTests.MonotonicApplier monotonic = new SyncHandleConcurrencyTests.MonotonicApplier();
		RecordingApplier<Long> applier = new RecordingApplier<>();
		RecordingListener listener = new RecordingListener();
		SyncHandle<Long> handle = SyncHandle.<Long>builder(TOPIC, source, source, (snapshot) -> {
			applier.apply(snapshot);
			monotonic.apply(snapshot);
		})
			.options(SyncOptions.DEFAULTS.withPollInterval(Duration.ofSeconds(1)).withFailStartOnError(false))
			.scheduler(scheduler)
			.random(random)
			.listener(listener)
			.build();
		source.put(TOPIC, 1, 1L);
		handle.start();
		long written = 1;
		for (int action : actions) {
			switch (action) {
				case 0, 1 -> {
					written++;
					source.put(TOPIC, written, written);
					if (random.nextInt(4) != 0) {
						source.event(TOPIC, written);
					}
				}
				case 2 -> source.event(TOPIC, 1 + random.nextInt((int) written));
				case 3 -> {
					if (source.pendingFetches() > 0) {
						source.completeFetch();
					}
				}
				case 4 -> {
					if (source.pendingFetches() > 0) {
						long lagging = 1 + random.nextInt((int) written);
						source.completeFetch(lagging, lagging);
					}
				}
				case 5 -> {
					if (source.pendingFetches() > 0) {
						source.failFetch(random.nextBoolean() ? new IOException("connection reset")
								: new ProtocolException("revision \"01\" is not canonical"));
					}
				}
				case 6 -> {
					long revision = 1 + random.nextInt((int) written);
					if (random.nextBoolean()) {
						applier.failOn(revision);
					}
					else {
						applier.recover(revision);
					}
				}
				case 7 -> scheduler.advance(Duration.ofMillis(random.nextInt(3000)));
				case 8 -> source.resync(TOPIC);
				default -> {
					if (source.pendingFetches() > 0) {
						source.completeFetchUnchanged();
					}
				}
			}
			assertThat(monotonic.violations).as("applied an older revision after a newer one, unreported")
				.isLessThanOrEqualTo(listener.errors(SyncPhase.REGRESSION).size());
		}
		// the fault ends: the source answers every fetch with the truth and the applier
		// works
		for (long revision = 1; revision <= written; revision++) {
			applier.recover(revision);
		}
		for (int i = 0; i < 30 && handle.localRevision().longValue() != written; i++) {
			while (source.pendingFetches() > 0) {
				source.completeFetch();
			}
			scheduler.advance(Duration.ofSeconds(2));
		}
		assertThat(monotonic.violations).isLessThanOrEqualTo(listener.errors(SyncPhase.REGRESSION).size());
		assertThat(handle.localRevision()).isEqualTo(Revision.of(written));
		assertThat(applier.lastData()).isEqualTo(written);
		handle.stop();
	}

}
