package io.github.statesync.redis;

import java.time.Duration;

import io.github.statesync.core.engine.RetryPolicy;
import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryPolicyBackOff}.
 */
class RetryPolicyBackOffTests {

	@Test
	void delaysStayWithinThePolicysJitteredBoundsAndGrowTheBound() {
		RetryPolicy policy = RetryPolicy.RECOVERY;
		BackOffExecution execution = new RetryPolicyBackOff(policy).start();
		for (int attempt = 1; attempt <= 20; attempt++) {
			assertThat(execution.nextBackOff()).as("after failure %d", attempt)
				.isBetween(0L, policy.delayBound(attempt).toMillis());
		}
	}

	@Test
	void stopsWhenThePolicyAllowsNoFurtherAttempt() {
		RetryPolicy policy = new RetryPolicy(3, Duration.ofMillis(10), 2.0, Duration.ofMillis(100));
		BackOffExecution execution = new RetryPolicyBackOff(policy).start();
		assertThat(execution.nextBackOff()).isBetween(0L, 10L);
		assertThat(execution.nextBackOff()).isBetween(0L, 20L);
		assertThat(execution.nextBackOff()).isEqualTo(BackOffExecution.STOP);
	}

	@Test
	void eachRecoveryStartsFromTheFirstAttempt() {
		RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(10), 2.0, Duration.ofMillis(100));
		RetryPolicyBackOff backOff = new RetryPolicyBackOff(policy);
		BackOffExecution first = backOff.start();
		first.nextBackOff();
		assertThat(first.nextBackOff()).isEqualTo(BackOffExecution.STOP);
		assertThat(backOff.start().nextBackOff()).isBetween(0L, 10L);
	}

}
