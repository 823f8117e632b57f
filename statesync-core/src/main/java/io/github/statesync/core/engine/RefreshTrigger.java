package io.github.statesync.core.engine;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Turns accepted invalidations into refresh requests according to a {@link Throttling}.
 * State is guarded by {@code this}; the lock is held only to update fields, never while
 * the action runs.
 *
 * @author statesync
 */
final class RefreshTrigger {

	private final Throttling throttling;

	private final SyncScheduler scheduler;

	// the action: a refresh that events asked for
	private final RefreshCoordinator<?> refreshes;

	private final ErrorReporter reporter;

	private SyncScheduler.@Nullable Cancellable debounceTask;

	private SyncScheduler.@Nullable Cancellable trailingTask;

	private boolean trailingPending;

	private boolean ranBefore;

	private long lastRunNanos;

	private boolean cancelled;

	RefreshTrigger(Throttling throttling, SyncScheduler scheduler, RefreshCoordinator<?> refreshes,
			ErrorReporter reporter) {
		this.throttling = throttling;
		this.scheduler = scheduler;
		this.refreshes = refreshes;
		this.reporter = reporter;
	}

	/**
	 * An invalidation was accepted.
	 */
	void fire() {
		Duration debounce = this.throttling.debounce();
		if (debounce != null) {
			synchronized (this) {
				if (this.cancelled) {
					return;
				}
				if (this.debounceTask != null) {
					this.debounceTask.cancel();
				}
				this.debounceTask = schedule(this::debounced, debounce);
			}
		}
		else {
			throttled();
		}
	}

	private void debounced() {
		synchronized (this) {
			this.debounceTask = null;
			if (this.cancelled) {
				return;
			}
		}
		throttled();
	}

	private void throttled() {
		Duration interval = this.throttling.throttle();
		if (interval == null) {
			run();
			return;
		}
		boolean runNow = false;
		synchronized (this) {
			if (this.cancelled) {
				return;
			}
			long now = this.scheduler.nanoTime();
			long remaining = this.ranBefore ? interval.toNanos() - (now - this.lastRunNanos) : 0;
			if (remaining <= 0 && this.throttling.leading()) {
				runNow = true;
				this.ranBefore = true;
				this.lastRunNanos = now;
				this.trailingPending = false;
			}
			else if (this.throttling.trailing()) {
				this.trailingPending = true;
				if (this.trailingTask == null) {
					long delay = (remaining > 0) ? remaining : interval.toNanos();
					this.trailingTask = schedule(this::trailingEdge, Duration.ofNanos(delay));
				}
			}
		}
		if (runNow) {
			run();
		}
	}

	private void trailingEdge() {
		synchronized (this) {
			this.trailingTask = null;
			if (this.cancelled || !this.trailingPending) {
				return;
			}
			this.trailingPending = false;
			this.ranBefore = true;
			this.lastRunNanos = this.scheduler.nanoTime();
		}
		run();
	}

	private SyncScheduler.@Nullable Cancellable schedule(Runnable task, Duration delay) {
		try {
			return this.scheduler.schedule(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					onError(ex);
				}
			}, delay);
		}
		catch (RuntimeException ex) {
			// the scheduler refused (for example it was shut down): report, and do not
			// lose the request
			onError(ex);
			this.refreshes.request(false);
			return null;
		}
	}

	private void onError(RuntimeException ex) {
		this.reporter.report(Failure.of(SyncPhase.THROTTLE, ex));
	}

	private void run() {
		this.refreshes.request(false);
	}

	/**
	 * Cancel every pending timer; later calls do nothing.
	 */
	synchronized void cancel() {
		this.cancelled = true;
		if (this.debounceTask != null) {
			this.debounceTask.cancel();
			this.debounceTask = null;
		}
		if (this.trailingTask != null) {
			this.trailingTask.cancel();
			this.trailingTask = null;
		}
		this.trailingPending = false;
	}

}
