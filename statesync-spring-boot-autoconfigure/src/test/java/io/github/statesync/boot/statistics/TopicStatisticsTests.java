package io.github.statesync.boot.statistics;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicStatisticsTests {

	private final TopicStatistics statistics = new TopicStatistics(
			Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC));

	@Test
	void countsEachOutcomeAndPhaseOfEachTopicApart() {
		this.statistics.onInvalidation("a", InvalidationOutcome.ACCEPTED);
		this.statistics.onInvalidation("a", InvalidationOutcome.INVALID);
		this.statistics.onInvalidation("a", InvalidationOutcome.INVALID);
		this.statistics.onRefresh("a", RefreshOutcome.FAILED, 1);
		this.statistics.onCoalesced("a");
		this.statistics.onReconcileRepair("a");
		this.statistics.onError(new SyncError("a", SyncPhase.ARCHIVE, new IllegalStateException("full"), Revision.ZERO,
				null, null, 1, false, null));
		this.statistics.onInvalidation("b", InvalidationOutcome.STALE);
		TopicStatistics.Topic a = this.statistics.topic("a");
		assertThat(a.invalidations(InvalidationOutcome.ACCEPTED)).isEqualTo(1);
		assertThat(a.invalidations(InvalidationOutcome.INVALID)).isEqualTo(2);
		assertThat(a.invalidations(InvalidationOutcome.STALE)).isZero();
		assertThat(a.refreshes(RefreshOutcome.FAILED)).isEqualTo(1);
		assertThat(a.refreshes(RefreshOutcome.APPLIED)).isZero();
		assertThat(a.coalesced()).isEqualTo(1);
		assertThat(a.retries()).isZero();
		assertThat(a.repairs()).isEqualTo(1);
		assertThat(a.errors(SyncPhase.ARCHIVE)).isEqualTo(1);
		assertThat(a.errors(SyncPhase.START)).isZero();
		assertThat(a.lastError().exception()).isEqualTo("IllegalStateException");
		assertThat(this.statistics.topic("b").invalidations(InvalidationOutcome.STALE)).isEqualTo(1);
		assertThat(this.statistics.topic("b").invalidations(InvalidationOutcome.ACCEPTED)).isZero();
	}

	@Test
	void losesNoCountWhenThreadsReportTheSameTopicAtOnce() throws InterruptedException {
		int threads = 4;
		int perThread = 20_000;
		SyncError retried = new SyncError("hot", SyncPhase.FETCH, new IllegalStateException("lagging"), Revision.ZERO,
				null, null, 1, true, null);
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> reporters = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			Thread reporter = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				for (int n = 0; n < perThread; n++) {
					this.statistics.onInvalidation("hot", InvalidationOutcome.ACCEPTED);
					this.statistics.onRetry("hot", retried);
				}
			});
			reporter.start();
			reporters.add(reporter);
		}
		start.countDown();
		for (Thread reporter : reporters) {
			reporter.join();
		}
		TopicStatistics.Topic hot = this.statistics.topic("hot");
		assertThat(hot.invalidations(InvalidationOutcome.ACCEPTED)).isEqualTo((long) threads * perThread);
		assertThat(hot.retries()).isEqualTo((long) threads * perThread);
	}

}
