package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.github.statesync.core.protocol.Revision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a handle coalesces the refreshes of an event burst: a queued refresh waits a short,
 * bounded time when events come faster than fetches return, and leaves at once when they
 * are sparse. Virtual time only.
 */
class SyncHandleCoalescingTests {

	private static final String TOPIC = "settings";

	private static final Duration FETCH = Duration.ofMillis(1);

	private final ManualScheduler scheduler = new ManualScheduler();

	private final TestSource<String> source = new TestSource<String>().manual();

	private final RecordingApplier<String> applier = new RecordingApplier<>();

	private final RecordingListener listener = new RecordingListener();

	private SyncHandle<String> started(SyncOptions options) {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = SyncHandle.builder(TOPIC, this.source, this.source, this.applier)
			.options(options)
			.scheduler(this.scheduler)
			.listener(this.listener)
			.build();
		CompletableFuture<Void> start = handle.start();
		this.source.completeFetch();
		assertThat(start).isCompleted();
		return handle;
	}

	/**
	 * Publish one event every {@code interval} from revision 2 to {@code last}; every
	 * fetch answers {@link #FETCH} after it left, with the revision the source held when
	 * it left.
	 * @return how many fetches the events caused
	 */
	private int burst(long last, Duration interval) {
		int before = this.source.fetches.get();
		long fetchDue = -1;
		long fetchedRevision = 0;
		for (long revision = 2; revision <= last; revision++) {
			this.source.publish(TOPIC, revision, "v" + revision);
			long elapsed = 0;
			while (elapsed < interval.toNanos()) {
				if (this.source.pendingFetches() > 0 && fetchDue < 0) {
					fetchDue = FETCH.toNanos();
					fetchedRevision = revision;
				}
				long step = (fetchDue >= 0) ? Math.min(fetchDue, interval.toNanos() - elapsed)
						: interval.toNanos() - elapsed;
				this.scheduler.advance(Duration.ofNanos(step));
				elapsed += step;
				if (fetchDue >= 0) {
					fetchDue -= step;
					if (fetchDue == 0) {
						this.source.completeFetch(fetchedRevision, "v" + fetchedRevision);
						fetchDue = -1;
					}
				}
			}
		}
		// the writer stopped: let time run, answering each fetch after FETCH
		for (int i = 0; i < 50; i++) {
			if (this.source.pendingFetches() > 0) {
				this.scheduler.advance(FETCH);
				this.source.completeFetch();
			}
			else {
				this.scheduler.advance(Duration.ofMillis(1));
			}
		}
		return this.source.fetches.get() - before;
	}

	@Test
	void burstFasterThanFetchesEndsOnTheLastRevisionWithFewFetches() {
		SyncHandle<String> handle = started(SyncOptions.DEFAULTS);
		// 2,000 events at 10 per fetch: without holding, about one fetch per millisecond
		int fetches = burst(2_001, Duration.ofNanos(100_000));
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2_001));
		assertThat(this.applier.lastData()).isEqualTo("v2001");
		assertThat(this.source.pendingFetches()).isZero();
		// no hold is left; the fetch timeout and stale timers (one per handle) end
		// when they fire with nothing to watch
		this.scheduler.advance(SyncOptions.DEFAULT_STALE_AFTER);
		assertThat(this.scheduler.pendingTasks()).isZero();
		// each fetch is followed by a hold of twice its time: one fetch per ~3 ms, 30
		// events
		assertThat(fetches).isLessThanOrEqualTo(2_000 / 25);
	}

	@Test
	void burstWithThrottlingIsLeftToTheThrottle() {
		SyncHandle<String> handle = started(
				SyncOptions.DEFAULTS.withThrottling(Throttling.throttle(Duration.ofNanos(10_000))));
		int fetches = burst(201, Duration.ofNanos(100_000));
		assertThat(handle.localRevision()).isEqualTo(Revision.of(201));
		// the throttle lets each event through (its interval is shorter than theirs), and
		// the coordinator coalesces as it did before holds existed: one fetch per
		// millisecond
		assertThat(fetches).isGreaterThanOrEqualTo(200 / 12);
	}

	@Test
	void sparseEventsFetchAtOnce() {
		SyncHandle<String> handle = started(SyncOptions.DEFAULTS);
		for (long revision = 2; revision <= 50; revision++) {
			this.source.publish(TOPIC, revision, "v" + revision);
			// the fetch left with the event, not after a timer
			assertThat(this.source.pendingFetches()).isOne();
			this.scheduler.advance(Duration.ofNanos(200_000));
			this.source.completeFetch();
			assertThat(handle.localRevision()).isEqualTo(Revision.of(revision));
			this.scheduler.advance(Duration.ofNanos(800_000));
		}
		assertThat(this.source.fetches.get()).isEqualTo(50);
		assertThat(this.scheduler.scheduledDelays())
			.noneMatch((delay) -> delay.toNanos() <= RefreshCoordinator.MAX_HOLD_NANOS);
	}

	@Test
	void fewEventsDuringAFetchAreFetchedAsSoonAsTheFetchReturns() {
		SyncHandle<String> handle = started(SyncOptions.DEFAULTS);
		this.source.publish(TOPIC, 2, "v2");
		for (long revision = 3; revision < 3 + RefreshCoordinator.BURST_EVENTS - 1; revision++) {
			this.scheduler.advance(Duration.ofNanos(300_000));
			this.source.publish(TOPIC, revision, "v" + revision);
		}
		this.scheduler.advance(Duration.ofNanos(300_000));
		this.source.completeFetch(2, "v2");
		// a writer that waits for each write, or a reader slow for a moment: the queued
		// refresh leaves at once
		assertThat(this.source.pendingFetches()).isOne();
		this.source.completeFetch();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1 + RefreshCoordinator.BURST_EVENTS));
	}

	@Test
	void pacedEventsDuringASlowFetchAreFetchedAsSoonAsTheFetchReturns() {
		SyncHandle<String> handle = started(SyncOptions.DEFAULTS);
		this.source.publish(TOPIC, 2, "v2");
		// one event a millisecond, during a fetch that takes six
		for (long revision = 3; revision <= 7; revision++) {
			this.scheduler.advance(Duration.ofMillis(1));
			this.source.publish(TOPIC, revision, "v" + revision);
		}
		this.scheduler.advance(Duration.ofMillis(1));
		this.source.completeFetch(2, "v2");
		assertThat(this.source.pendingFetches()).isOne();
		this.source.completeFetch();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(7));
	}

	@Test
	void heldRefreshLeavesAtTheDeadlineThoughEventsKeepComing() {
		SyncHandle<String> handle = started(SyncOptions.DEFAULTS);
		this.source.publish(TOPIC, 2, "v2");
		long revision = 2;
		for (int i = 0; i < 10; i++) {
			this.scheduler.advance(Duration.ofNanos(100_000));
			this.source.publish(TOPIC, ++revision, "v" + revision);
		}
		this.source.completeFetch(2, "v2");
		// ten events during a 1 ms fetch: held for at most 2 ms
		assertThat(this.source.pendingFetches()).isZero();
		int steps = 0;
		while (this.source.pendingFetches() == 0) {
			this.scheduler.advance(Duration.ofNanos(100_000));
			this.source.publish(TOPIC, ++revision, "v" + revision);
			steps++;
		}
		assertThat(steps).isBetween(19, 21);
		this.source.completeFetch();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(revision));
	}

	@Test
	void heldRefreshLeavesWhenTheEventsPause() {
		SyncHandle<String> handle = started(SyncOptions.DEFAULTS);
		this.source.publish(TOPIC, 2, "v2");
		for (long revision = 3; revision <= 12; revision++) {
			this.scheduler.advance(Duration.ofNanos(100_000));
			this.source.publish(TOPIC, revision, "v" + revision);
		}
		this.source.completeFetch(2, "v2");
		assertThat(this.source.pendingFetches()).isZero();
		// mean interval 100 us: four of them without an event end the hold
		this.scheduler.advance(Duration.ofNanos(399_000));
		assertThat(this.source.pendingFetches()).isZero();
		this.scheduler.advance(Duration.ofNanos(1_000));
		assertThat(this.source.pendingFetches()).isOne();
		this.source.completeFetch();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(12));
	}

	@Test
	void eventRightAfterABurstWhoseFetchReachedEveryEventWaitsForTheNext() {
		SyncHandle<String> handle = started(SyncOptions.DEFAULTS);
		this.source.publish(TOPIC, 2, "v2");
		for (long revision = 3; revision <= 12; revision++) {
			this.scheduler.advance(Duration.ofNanos(100_000));
			this.source.publish(TOPIC, revision, "v" + revision);
		}
		// the source answered the newest revision: nothing is left to fetch
		this.source.completeFetch();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(12));
		int fetches = this.source.fetches.get();
		this.scheduler.advance(Duration.ofNanos(100_000));
		this.source.publish(TOPIC, 13, "v13");
		this.scheduler.advance(Duration.ofNanos(100_000));
		this.source.publish(TOPIC, 14, "v14");
		assertThat(this.source.fetches.get()).as("held with the burst").isEqualTo(fetches);
		// the burst paused for four of its intervals: one fetch for both
		this.scheduler.advance(Duration.ofNanos(400_000));
		assertThat(this.source.fetches.get()).isEqualTo(fetches + 1);
		this.source.completeFetch();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(14));
		// long after the burst, an event fetches at once again
		this.scheduler.advance(Duration.ofMillis(10));
		this.source.publish(TOPIC, 15, "v15");
		assertThat(this.source.fetches.get()).isEqualTo(fetches + 2);
	}

	@Test
	void explicitRefreshReleasesAHeldRefresh() {
		SyncHandle<String> handle = started(SyncOptions.DEFAULTS);
		this.source.publish(TOPIC, 2, "v2");
		for (long revision = 3; revision <= 12; revision++) {
			this.scheduler.advance(Duration.ofNanos(100_000));
			this.source.publish(TOPIC, revision, "v" + revision);
		}
		this.source.completeFetch(2, "v2");
		assertThat(this.source.pendingFetches()).isZero();
		CompletableFuture<Void> refreshed = handle.refresh();
		assertThat(this.source.pendingFetches()).isOne();
		this.source.completeFetch();
		assertThat(refreshed).isCompleted();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(12));
		// no hold is left; the fetch timeout and stale timers (one per handle) end
		// when they fire with nothing to watch
		this.scheduler.advance(SyncOptions.DEFAULT_STALE_AFTER);
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void stopDuringAHoldCompletesTheHeldRefreshWithoutFetching() {
		SyncHandle<String> handle = started(SyncOptions.DEFAULTS);
		this.source.publish(TOPIC, 2, "v2");
		for (long revision = 3; revision <= 12; revision++) {
			this.scheduler.advance(Duration.ofNanos(100_000));
			this.source.publish(TOPIC, revision, "v" + revision);
		}
		int fetches = this.source.fetches.get();
		this.source.completeFetch(2, "v2");
		handle.stop();
		this.scheduler.advance(Duration.ofMillis(10));
		assertThat(this.source.fetches.get()).isEqualTo(fetches);
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

}
