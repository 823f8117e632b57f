package io.github.statesync.core.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How one sync handle behaves. Immutable; derive variants with the {@code with...}
 * methods.
 *
 * @param retry how failed and lagging fetches are retried
 * @param throttling how invalidations are turned into refreshes
 * @param pollInterval how often to refresh whatever the events say, or {@code null} for
 * never
 * @param fetchTimeout how long one fetch may take before it counts as failed
 * @param failStartOnError whether {@link SyncHandle#start()} fails, and rolls back, when
 * the first refresh fails (fetch, protocol or apply error after the retries); when
 * {@code false} the handle starts without a snapshot and the next event, poll or resync
 * tries again. A source that holds no snapshot yet is not a failure, and neither is a
 * failed first refresh after the handle restored its archived snapshot.
 * @param onRegression what the handle does when its source, asked after the handle
 * applied a revision, answers an older one twice in a row
 * @param staleAfter how long the handle may know of a newer revision it has not applied,
 * or fail to reach its source, before its status turns {@link TopicStatus#STALE}
 * @param applyOn where snapshots are applied: on the scheduler (the default), or on the
 * thread that delivered them, for topics whose appliers and listeners never block
 * @author statesync
 * @since 0.1.0
 */
public record SyncOptions(RetryPolicy retry, Throttling throttling, @Nullable Duration pollInterval,
		Duration fetchTimeout, boolean failStartOnError, RegressionPolicy onRegression, Duration staleAfter,
		ApplyOn applyOn) {

	/**
	 * The default of {@link #staleAfter()}, 30 s: two default reconcile intervals (15 s),
	 * so a lost invalidation that reconciliation is about to repair does not flag the
	 * topic, and three times the default fetch timeout, so one slow fetch does not
	 * either; an outage or a node that cannot catch up shows within half a minute.
	 */
	public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(30);

	/**
	 * How long, in milliseconds, an apply may take on the delivering thread
	 * ({@link ApplyOn#DELIVERING_THREAD}) before it counts as a strike: far above what a
	 * non-blocking apply takes (microseconds), below what a blocking call costs the other
	 * topics that thread delivers.
	 */
	public static final long DELIVERING_THREAD_BUDGET_MILLIS = 10;

	/**
	 * How many applies over {@link #DELIVERING_THREAD_BUDGET_MILLIS} a topic may make on
	 * the delivering thread before it falls back to the scheduler: more than one, so a
	 * garbage collection pause that happens to fall into an apply does not count as a
	 * blocking listener.
	 */
	public static final int DELIVERING_THREAD_STRIKES = 3;

	/**
	 * Default retries, no throttling, no polling, 10 s fetch timeout, start fails when
	 * the first refresh fails, a regressed source is followed, stale after 30 s, applies
	 * on the scheduler.
	 */
	public static final SyncOptions DEFAULTS = new SyncOptions(RetryPolicy.DEFAULT, Throttling.NONE, null,
			Duration.ofSeconds(10), true, RegressionPolicy.FOLLOW, DEFAULT_STALE_AFTER, ApplyOn.SCHEDULER);

	/**
	 * Create options, validating them.
	 * @throws IllegalArgumentException if a value is missing or out of range
	 */
	public SyncOptions {
		if (retry == null || throttling == null || onRegression == null || applyOn == null) {
			throw new IllegalArgumentException("retry, throttling, onRegression and applyOn must not be null");
		}
		if (pollInterval != null && (pollInterval.isNegative() || pollInterval.isZero())) {
			throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
		}
		if (fetchTimeout == null || fetchTimeout.isNegative() || fetchTimeout.isZero()) {
			throw new IllegalArgumentException("fetchTimeout must be positive, was " + fetchTimeout);
		}
		if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
			throw new IllegalArgumentException("staleAfter must be positive, was " + staleAfter);
		}
	}

	/**
	 * Create options that apply on the scheduler ({@link ApplyOn#SCHEDULER}).
	 * @param retry how failed and lagging fetches are retried
	 * @param throttling how invalidations are turned into refreshes
	 * @param pollInterval how often to refresh whatever the events say, or {@code null}
	 * for never
	 * @param fetchTimeout how long one fetch may take before it counts as failed
	 * @param failStartOnError whether {@link SyncHandle#start()} fails when the first
	 * refresh fails
	 * @param onRegression what the handle does when its source answers an older revision
	 * @param staleAfter how long a newer revision may stay unapplied, or the source
	 * unreachable, before the status turns {@link TopicStatus#STALE}
	 * @throws IllegalArgumentException if a value is missing or out of range
	 */
	public SyncOptions(RetryPolicy retry, Throttling throttling, @Nullable Duration pollInterval, Duration fetchTimeout,
			boolean failStartOnError, RegressionPolicy onRegression, Duration staleAfter) {
		this(retry, throttling, pollInterval, fetchTimeout, failStartOnError, onRegression, staleAfter,
				ApplyOn.SCHEDULER);
	}

	/**
	 * Create options that turn stale after {@link #DEFAULT_STALE_AFTER}.
	 * @param retry how failed and lagging fetches are retried
	 * @param throttling how invalidations are turned into refreshes
	 * @param pollInterval how often to refresh whatever the events say, or {@code null}
	 * for never
	 * @param fetchTimeout how long one fetch may take before it counts as failed
	 * @param failStartOnError whether {@link SyncHandle#start()} fails when the first
	 * refresh fails
	 * @param onRegression what the handle does when its source answers an older revision
	 * @throws IllegalArgumentException if a value is missing or out of range
	 */
	public SyncOptions(RetryPolicy retry, Throttling throttling, @Nullable Duration pollInterval, Duration fetchTimeout,
			boolean failStartOnError, RegressionPolicy onRegression) {
		this(retry, throttling, pollInterval, fetchTimeout, failStartOnError, onRegression, DEFAULT_STALE_AFTER);
	}

	/**
	 * Create options that follow a regressed source ({@link RegressionPolicy#FOLLOW}).
	 * @param retry how failed and lagging fetches are retried
	 * @param throttling how invalidations are turned into refreshes
	 * @param pollInterval how often to refresh whatever the events say, or {@code null}
	 * for never
	 * @param fetchTimeout how long one fetch may take before it counts as failed
	 * @param failStartOnError whether {@link SyncHandle#start()} fails when the first
	 * refresh fails
	 * @throws IllegalArgumentException if a value is missing or out of range
	 */
	public SyncOptions(RetryPolicy retry, Throttling throttling, @Nullable Duration pollInterval, Duration fetchTimeout,
			boolean failStartOnError) {
		this(retry, throttling, pollInterval, fetchTimeout, failStartOnError, RegressionPolicy.FOLLOW,
				DEFAULT_STALE_AFTER);
	}

	/**
	 * Return a copy with another retry policy.
	 * @param retry the policy
	 * @return the new options
	 */
	public SyncOptions withRetry(RetryPolicy retry) {
		return new SyncOptions(retry, this.throttling, this.pollInterval, this.fetchTimeout, this.failStartOnError,
				this.onRegression, this.staleAfter, this.applyOn);
	}

	/**
	 * Return a copy with other throttling.
	 * @param throttling the throttling
	 * @return the new options
	 */
	public SyncOptions withThrottling(Throttling throttling) {
		return new SyncOptions(this.retry, throttling, this.pollInterval, this.fetchTimeout, this.failStartOnError,
				this.onRegression, this.staleAfter, this.applyOn);
	}

	/**
	 * Return a copy with another poll interval.
	 * @param pollInterval the interval, or {@code null} for no polling
	 * @return the new options
	 */
	public SyncOptions withPollInterval(@Nullable Duration pollInterval) {
		return new SyncOptions(this.retry, this.throttling, pollInterval, this.fetchTimeout, this.failStartOnError,
				this.onRegression, this.staleAfter, this.applyOn);
	}

	/**
	 * Return a copy with another fetch timeout.
	 * @param fetchTimeout the timeout
	 * @return the new options
	 */
	public SyncOptions withFetchTimeout(Duration fetchTimeout) {
		return new SyncOptions(this.retry, this.throttling, this.pollInterval, fetchTimeout, this.failStartOnError,
				this.onRegression, this.staleAfter, this.applyOn);
	}

	/**
	 * Return a copy whose start does or does not fail when the first refresh fails.
	 * @param failStartOnError whether start fails when the first refresh fails
	 * @return the new options
	 */
	public SyncOptions withFailStartOnError(boolean failStartOnError) {
		return new SyncOptions(this.retry, this.throttling, this.pollInterval, this.fetchTimeout, failStartOnError,
				this.onRegression, this.staleAfter, this.applyOn);
	}

	/**
	 * Return a copy that handles a regressed source another way.
	 * @param onRegression what to do when the source holds an older revision
	 * @return the new options
	 */
	public SyncOptions withOnRegression(RegressionPolicy onRegression) {
		return new SyncOptions(this.retry, this.throttling, this.pollInterval, this.fetchTimeout, this.failStartOnError,
				onRegression, this.staleAfter, this.applyOn);
	}

	/**
	 * Return a copy that turns stale after another time.
	 * @param staleAfter how long a newer revision may stay unapplied, or the source
	 * unreachable, before the status turns {@link TopicStatus#STALE}
	 * @return the new options
	 */
	public SyncOptions withStaleAfter(Duration staleAfter) {
		return new SyncOptions(this.retry, this.throttling, this.pollInterval, this.fetchTimeout, this.failStartOnError,
				this.onRegression, staleAfter, this.applyOn);
	}

	/**
	 * Return a copy that applies snapshots elsewhere.
	 * @param applyOn where snapshots are applied
	 * @return the new options
	 */
	public SyncOptions withApplyOn(ApplyOn applyOn) {
		return new SyncOptions(this.retry, this.throttling, this.pollInterval, this.fetchTimeout, this.failStartOnError,
				this.onRegression, this.staleAfter, applyOn);
	}

}
