package io.github.statesync.core.engine;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SyncHandleThrottlingTests {

	private static final String TOPIC = "settings";

	private final ManualScheduler scheduler = new ManualScheduler();

	private final TestSource<String> source = new TestSource<>();

	private final RecordingApplier<String> applier = new RecordingApplier<>();

	private SyncHandle<String> started(Throttling throttling) {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = SyncHandle.builder(TOPIC, this.source, this.source, this.applier)
			.options(SyncOptions.DEFAULTS.withThrottling(throttling))
			.scheduler(this.scheduler)
			.build();
		assertThat(handle.start()).isCompleted();
		return handle;
	}

	private int eventFetches() {
		return this.source.fetches.get() - 1;
	}

	@Test
	void debounceWaitsForSilence() {
		started(Throttling.debounce(Duration.ofMillis(100)));
		this.source.publish(TOPIC, 2, "v2");
		this.scheduler.advance(Duration.ofMillis(60));
		this.source.publish(TOPIC, 3, "v3");
		this.scheduler.advance(Duration.ofMillis(60));
		this.source.publish(TOPIC, 4, "v4");
		this.scheduler.advance(Duration.ofMillis(99));
		assertThat(eventFetches()).isZero();
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(eventFetches()).isOne();
		assertThat(this.applier.revisions()).containsExactly(1L, 4L);
	}

	@Test
	void throttleRefreshesOnLeadingAndTrailingEdges() {
		started(Throttling.throttle(Duration.ofMillis(100)));
		this.source.publish(TOPIC, 2, "v2");
		assertThat(eventFetches()).isOne();
		this.scheduler.advance(Duration.ofMillis(10));
		this.source.publish(TOPIC, 3, "v3");
		this.scheduler.advance(Duration.ofMillis(10));
		this.source.publish(TOPIC, 4, "v4");
		assertThat(eventFetches()).isOne();
		this.scheduler.advance(Duration.ofMillis(79));
		assertThat(eventFetches()).isOne();
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(eventFetches()).isEqualTo(2);
		assertThat(this.applier.revisions()).containsExactly(1L, 2L, 4L);
	}

	@Test
	void throttleLimitsRateUnderSteadyEvents() {
		started(Throttling.throttle(Duration.ofMillis(100)));
		for (int revision = 2; revision <= 101; revision++) {
			this.source.publish(TOPIC, revision, "v" + revision);
			this.scheduler.advance(Duration.ofMillis(10));
		}
		this.scheduler.advance(Duration.ofMillis(100));
		// 1000 ms of events every 10 ms: one refresh per 100 ms window, plus the last
		// trailing edge
		assertThat(eventFetches()).isBetween(10, 11);
		assertThat(this.applier.revisions()).last().isEqualTo(101L);
	}

	@Test
	void throttleWithLeadingEdgeOnlyDropsEventsInsideWindow() {
		started(new Throttling(null, Duration.ofMillis(100), true, false));
		this.source.publish(TOPIC, 2, "v2");
		this.source.publish(TOPIC, 3, "v3");
		this.scheduler.advance(Duration.ofMillis(500));
		assertThat(eventFetches()).isOne();
		this.source.publish(TOPIC, 4, "v4");
		assertThat(eventFetches()).isEqualTo(2);
		assertThat(this.applier.revisions()).containsExactly(1L, 2L, 4L);
	}

	@Test
	void throttleWithTrailingEdgeOnlyWaitsForWindowEnd() {
		started(new Throttling(null, Duration.ofMillis(100), false, true));
		this.source.publish(TOPIC, 2, "v2");
		this.scheduler.advance(Duration.ofMillis(50));
		this.source.publish(TOPIC, 3, "v3");
		assertThat(eventFetches()).isZero();
		this.scheduler.advance(Duration.ofMillis(50));
		assertThat(eventFetches()).isOne();
		assertThat(this.applier.revisions()).containsExactly(1L, 3L);
	}

	@Test
	void debounceThenThrottle() {
		started(new Throttling(Duration.ofMillis(20), Duration.ofMillis(100), true, true));
		this.source.publish(TOPIC, 2, "v2");
		this.scheduler.advance(Duration.ofMillis(19));
		assertThat(eventFetches()).isZero();
		this.scheduler.advance(Duration.ofMillis(1));
		assertThat(eventFetches()).isOne();
		this.source.publish(TOPIC, 3, "v3");
		this.scheduler.advance(Duration.ofMillis(20));
		assertThat(eventFetches()).isOne();
		this.scheduler.advance(Duration.ofMillis(80));
		assertThat(eventFetches()).isEqualTo(2);
	}

	@Test
	void stopCancelsPendingDebounce() {
		SyncHandle<String> handle = started(Throttling.debounce(Duration.ofMillis(100)));
		this.source.publish(TOPIC, 2, "v2");
		handle.stop();
		assertThat(this.scheduler.pendingTasks()).isZero();
		this.scheduler.advance(Duration.ofSeconds(1));
		assertThat(eventFetches()).isZero();
	}

	@Test
	void rejectsThrottleWithNeitherEdge() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Throttling(null, Duration.ofMillis(100), false, false))
			.withMessageContaining("neither leading nor trailing");
	}

}
