package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How failed or lagging fetches are retried: exponential back-off with full jitter.
 * Attempt {@code n} waits a random delay between zero and
 * {@code min(maxDelay, initialDelay * multiplier^(n-1))}.
 *
 * @param maxAttempts how many fetches one refresh makes at most, the first included
 * @param initialDelay the delay bound before the second attempt
 * @param multiplier how much the bound grows per attempt
 * @param maxDelay the largest delay bound
 * @author statesync
 * @since 0.1.0
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {

	/** Five attempts, 100 ms doubling up to 5 s. */
	public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(100), 2.0, Duration.ofSeconds(5));

	/**
	 * How the library recovers what it must never give up on (a lost subscription, a
	 * topic that failed to start): attempts without end, 100 ms doubling up to 10 s, with
	 * full jitter so that a fleet does not come back in lockstep.
	 */
	public static final RetryPolicy RECOVERY = new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(100), 2.0,
			Duration.ofSeconds(10));

	/** One attempt: no retries. */
	public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO);

	/**
	 * Create a policy, validating it.
	 * @throws IllegalArgumentException if a value is out of range
	 */
	public RetryPolicy {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
		}
		requireNonNegative("initialDelay", initialDelay);
		requireNonNegative("maxDelay", maxDelay);
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			throw new IllegalArgumentException("multiplier must be a finite number of at least 1, was " + multiplier);
		}
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new IllegalArgumentException(
					"maxDelay (" + maxDelay + ") must not be less than initialDelay (" + initialDelay + ")");
		}
	}

	private static void requireNonNegative(String name, Duration value) {
		if (value == null || value.isNegative()) {
			throw new IllegalArgumentException(name + " must be zero or positive, was " + value);
		}
	}

	/**
	 * Return the upper bound of the delay after the given failed attempt.
	 * @param attempt the attempt that failed, counting from 1
	 * @return the bound, at most {@link #maxDelay()}
	 */
	public Duration delayBound(int attempt) {
		double bound = this.initialDelay.toNanos() * Math.pow(this.multiplier, Math.max(0, attempt - 1));
		long maxNanos = this.maxDelay.toNanos();
		return Duration.ofNanos((bound >= maxNanos) ? maxNanos : (long) bound);
	}

	/**
	 * Return a jittered delay after the given failed attempt.
	 * @param attempt the attempt that failed, counting from 1
	 * @param random the source of jitter
	 * @return a delay between zero and {@link #delayBound(int)}
	 */
	public Duration delay(int attempt, RandomGenerator random) {
		long bound = delayBound(attempt).toNanos();
		return Duration.ofNanos((bound > 0) ? (long) (random.nextDouble() * bound) : 0);
	}

	/**
	 * Return whether another attempt follows the given failed one.
	 * @param attempt the attempt that failed, counting from 1
	 * @return {@code true} if {@code attempt < maxAttempts}
	 */
	public boolean canRetry(int attempt) {
		return attempt < this.maxAttempts;
	}

}
