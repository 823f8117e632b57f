package io.github.statesync.redis;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.core.engine.RetryPolicy;

import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * A {@link RetryPolicy} as Spring's {@link BackOff}, so that the listener container
 * recovers a lost subscription with the same back-off as the rest of the library:
 * exponential with full jitter, stopping when the policy allows no further attempt.
 */
final class RetryPolicyBackOff implements BackOff {

	private final RetryPolicy policy;

	RetryPolicyBackOff(RetryPolicy policy) {
		this.policy = Objects.requireNonNull(policy, "policy must not be null");
	}

	@Override
	public BackOffExecution start() {
		return new Execution();
	}

	@Override
	public String toString() {
		return "RetryPolicyBackOff[" + this.policy + "]";
	}

	private final class Execution implements BackOffExecution {

		// the container may ask from more than one of its subscription threads
		private final AtomicInteger failedAttempts = new AtomicInteger();

		@Override
		public long nextBackOff() {
			int attempt = this.failedAttempts.updateAndGet((count) -> (count < Integer.MAX_VALUE) ? count + 1 : count);
			if (!RetryPolicyBackOff.this.policy.canRetry(attempt)) {
				return STOP;
			}
			return RetryPolicyBackOff.this.policy.delay(attempt, ThreadLocalRandom.current()).toMillis();
		}

	}

}
