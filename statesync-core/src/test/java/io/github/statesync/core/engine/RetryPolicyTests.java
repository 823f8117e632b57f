package io.github.statesync.core.engine;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RetryPolicyTests {

	private final RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1));

	@Test
	void boundGrowsExponentiallyUpToMaxDelay() {
		assertThat(this.policy.delayBound(1)).isEqualTo(Duration.ofMillis(100));
		assertThat(this.policy.delayBound(2)).isEqualTo(Duration.ofMillis(200));
		assertThat(this.policy.delayBound(4)).isEqualTo(Duration.ofMillis(800));
		assertThat(this.policy.delayBound(5)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.policy.delayBound(500)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void fullJitterSpansZeroToBound() {
		assertThat(this.policy.delay(3, SyncHandleTests.HALF)).isEqualTo(Duration.ofMillis(200));
		for (int i = 0; i < 1000; i++) {
			assertThat(this.policy.delay(2, java.util.concurrent.ThreadLocalRandom.current())).isBetween(Duration.ZERO,
					Duration.ofMillis(200));
		}
	}

	@Test
	void retriesWhileAttemptsRemain() {
		assertThat(this.policy.canRetry(4)).isTrue();
		assertThat(this.policy.canRetry(5)).isFalse();
		assertThat(RetryPolicy.NONE.canRetry(1)).isFalse();
	}

	@Test
	void rejectsOutOfRangeValuesWithReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(0, Duration.ZERO, 1, Duration.ZERO))
			.withMessage("maxAttempts must be at least 1, was 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(-1), 1, Duration.ZERO))
			.withMessageStartingWith("initialDelay must be zero or positive");
		assertThatIllegalArgumentException().isThrownBy(() -> new RetryPolicy(3, Duration.ZERO, 0.5, Duration.ZERO))
			.withMessageStartingWith("multiplier must be a finite number of at least 1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), 2, Duration.ofSeconds(1)))
			.withMessageContaining("must not be less than initialDelay");
	}

}
