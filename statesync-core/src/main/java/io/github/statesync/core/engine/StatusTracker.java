package io.github.statesync.core.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TopicStatus} of one handle, and the one place it is decided: the gate, the
 * refreshes and the lifecycle tell it what happened, it works out the status, tells the
 * listeners of every change in order, completes the futures that wait for a status or a
 * revision, and keeps one timer on the scheduler, armed while a newer revision is pending
 * or the source fails (and until it fires once after), to turn
 * {@link TopicStatus#CURRENT} into {@link TopicStatus#STALE} when nothing else happens.
 * <p>
 * Fields are guarded by {@code this}, held only to update them; listeners are told and
 * futures completed outside it, listeners one change at a time in the order of the
 * changes, futures on the scheduler (their dependants never run on an engine lock).
 *
 * @author statesync
 */
final class StatusTracker implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(SyncHandle.class);

	private final String topic;

	private final Duration staleAfter;

	private final SyncScheduler scheduler;

	private final Clock clock;

	private final SyncListener listener;

	private final HandleView handle;

	private volatile SyncStatus current;

	// the newest revision known and not applied: its first still-unapplied announcement
	// started the wait at pendingSinceNanos; 0 when none is pending
	private long pendingRevision;

	private long pendingFirstRevision;

	private long pendingSinceNanos;

	private long latestKnownNanos;

	// when fetches started to fail without an answer since; 0 when the source answers
	private long failingSinceNanos;

	private @Nullable String lastFailure;

	private SyncScheduler.@Nullable Cancellable timer;

	private long timerDeadline;

	// the waiters, and the transitions not yet told: made when the first comes, dropped
	// when the last leaves (most topics have none most of their life)
	private @Nullable List<RevisionWaiter> revisionWaiters;

	private @Nullable List<StatusWaiter> statusWaiters;

	private @Nullable ArrayDeque<Transition> outbox;

	private boolean delivering;

	StatusTracker(String topic, Duration staleAfter, SyncScheduler scheduler, Clock clock, SyncListener listener,
			HandleView handle) {
		this.topic = topic;
		this.staleAfter = staleAfter;
		this.scheduler = scheduler;
		this.clock = clock;
		this.listener = listener;
		this.handle = handle;
		this.current = new SyncStatus(TopicStatus.INITIALIZING, clock.instant(), null);
	}

	SyncStatus current() {
		return this.current;
	}

	/**
	 * The lifecycle state, the snapshot held or where it came from changed.
	 */
	void changed() {
		synchronized (this) {
			update();
		}
		deliver();
	}

	/**
	 * A snapshot was applied (or restored from the archive); the local revision moved.
	 * @param revision the revision applied
	 */
	void applied(long revision) {
		// most applies wake no waiter: no list for them
		List<RevisionWaiter> reached = null;
		synchronized (this) {
			long local = this.handle.localRevisionBits();
			if (this.pendingSinceNanos != 0) {
				if (Long.compareUnsigned(local, this.pendingRevision) >= 0) {
					clearPending();
				}
				else if (Long.compareUnsigned(local, this.pendingFirstRevision) >= 0) {
					// progress: what is still pending was known since the newest news
					this.pendingFirstRevision = this.pendingRevision;
					this.pendingSinceNanos = this.latestKnownNanos;
				}
			}
			if (this.revisionWaiters != null) {
				for (Iterator<RevisionWaiter> waiters = this.revisionWaiters.iterator(); waiters.hasNext();) {
					RevisionWaiter waiter = waiters.next();
					if (Long.compareUnsigned(local, waiter.atLeast) >= 0) {
						waiters.remove();
						if (reached == null) {
							reached = new ArrayList<>();
						}
						reached.add(waiter);
					}
				}
				if (this.revisionWaiters.isEmpty()) {
					this.revisionWaiters = null;
				}
			}
			update();
		}
		if (reached != null) {
			Revision now = Revision.of(revision);
			for (RevisionWaiter waiter : reached) {
				complete(waiter.future, now);
			}
		}
		deliver();
	}

	/**
	 * A newer revision than the local one became known: announced by an event, or fetched
	 * and refused by the applier.
	 * @param revision the revision
	 */
	void known(long revision) {
		synchronized (this) {
			if (Long.compareUnsigned(revision, this.handle.localRevisionBits()) <= 0
					|| (this.pendingSinceNanos != 0 && Long.compareUnsigned(revision, this.pendingRevision) <= 0)) {
				return;
			}
			long now = nowNanos();
			if (this.pendingSinceNanos == 0) {
				this.pendingSinceNanos = now;
				this.pendingFirstRevision = revision;
			}
			this.pendingRevision = revision;
			this.latestKnownNanos = now;
			update();
		}
		deliver();
	}

	/**
	 * A snapshot failed to apply.
	 * @param revision its revision
	 * @param cause what the applier threw
	 */
	void applyFailed(long revision, Throwable cause) {
		synchronized (this) {
			this.lastFailure = describe(SyncPhase.APPLY, cause);
		}
		known(revision);
	}

	/**
	 * A fetch failed: the source could not be reached, timed out, or answered something
	 * unusable.
	 * @param phase the phase it is reported in
	 * @param cause the failure
	 */
	void fetchFailed(SyncPhase phase, Throwable cause) {
		synchronized (this) {
			this.lastFailure = describe(phase, cause);
			if (this.failingSinceNanos == 0) {
				this.failingSinceNanos = nowNanos();
			}
			update();
		}
		deliver();
	}

	/**
	 * The source answered a fetch.
	 */
	void sourceAnswered() {
		synchronized (this) {
			if (this.failingSinceNanos == 0) {
				return;
			}
			this.failingSinceNanos = 0;
			update();
		}
		deliver();
	}

	/**
	 * A refresh ended without lag: the source holds nothing newer than what the gate
	 * still expects. A revision the gate stopped expecting (the source never delivered
	 * it) is no longer pending.
	 * @param gateBehind whether the gate still expects a revision above the local one
	 */
	void caughtUp(boolean gateBehind) {
		synchronized (this) {
			if (gateBehind || this.pendingSinceNanos == 0) {
				return;
			}
			clearPending();
			update();
		}
		deliver();
	}

	/**
	 * Wait until a revision at least as high as the given one is applied.
	 * @param atLeast the revision
	 * @return the future
	 */
	CompletableFuture<Revision> whenApplied(Revision atLeast) {
		CompletableFuture<Revision> future = new CompletableFuture<>();
		RevisionWaiter waiter = new RevisionWaiter(atLeast.longValue(), future);
		synchronized (this) {
			long local = this.handle.localRevisionBits();
			boolean reached = this.handle.hasSnapshot() && Long.compareUnsigned(local, waiter.atLeast) >= 0;
			if (reached) {
				future.complete(Revision.of(local));
				return future;
			}
			if (this.current.status() == TopicStatus.STOPPED) {
				future.completeExceptionally(stoppedFailure());
				return future;
			}
			if (this.revisionWaiters == null) {
				this.revisionWaiters = new ArrayList<>(2);
			}
			this.revisionWaiters.add(waiter);
		}
		// a caller's timeout or cancellation leaves nothing behind
		future.whenComplete((result, failure) -> {
			synchronized (this) {
				if (this.revisionWaiters != null && this.revisionWaiters.remove(waiter)
						&& this.revisionWaiters.isEmpty()) {
					this.revisionWaiters = null;
				}
			}
		});
		return future;
	}

	/**
	 * Wait until the status is the given one.
	 * @param status the status
	 * @return the future
	 */
	CompletableFuture<SyncStatus> whenStatus(TopicStatus status) {
		CompletableFuture<SyncStatus> future = new CompletableFuture<>();
		StatusWaiter waiter = new StatusWaiter(status, future);
		synchronized (this) {
			SyncStatus now = this.current;
			if (now.status() == status) {
				future.complete(now);
				return future;
			}
			if (now.status() == TopicStatus.STOPPED) {
				future.completeExceptionally(stoppedFailure());
				return future;
			}
			if (this.statusWaiters == null) {
				this.statusWaiters = new ArrayList<>(2);
			}
			this.statusWaiters.add(waiter);
		}
		future.whenComplete((result, failure) -> {
			synchronized (this) {
				if (this.statusWaiters != null && this.statusWaiters.remove(waiter) && this.statusWaiters.isEmpty()) {
					this.statusWaiters = null;
				}
			}
		});
		return future;
	}

	private void clearPending() {
		this.pendingRevision = 0;
		this.pendingFirstRevision = 0;
		this.pendingSinceNanos = 0;
	}

	// guarded by this
	private void update() {
		SyncStatus previous = this.current;
		if (previous.status() == TopicStatus.STOPPED) {
			return;
		}
		if (this.pendingSinceNanos == 0 && this.failingSinceNanos == 0) {
			// nothing outstanding: an old failure explains nothing any more
			this.lastFailure = null;
		}
		long now = nowNanos();
		TopicStatus next = compute(now);
		if (next == TopicStatus.CURRENT || next == TopicStatus.STALE) {
			schedule(staleDeadline(), now);
		}
		else {
			cancelTimer();
		}
		if (next == previous.status()) {
			String cause = cause(next);
			if (!Objects.equals(cause, previous.cause())) {
				// the same status for another reason: no change to tell
				this.current = new SyncStatus(next, previous.since(), cause);
			}
			return;
		}
		SyncStatus status = new SyncStatus(next, this.clock.instant(), cause(next));
		this.current = status;
		List<StatusWaiter> reached = new ArrayList<>();
		List<CompletableFuture<?>> failed = new ArrayList<>();
		if (this.statusWaiters != null) {
			for (Iterator<StatusWaiter> waiters = this.statusWaiters.iterator(); waiters.hasNext();) {
				StatusWaiter waiter = waiters.next();
				if (waiter.status == next) {
					waiters.remove();
					reached.add(waiter);
				}
			}
		}
		if (next == TopicStatus.STOPPED) {
			if (this.statusWaiters != null) {
				this.statusWaiters.forEach((waiter) -> failed.add(waiter.future));
			}
			if (this.revisionWaiters != null) {
				this.revisionWaiters.forEach((waiter) -> failed.add(waiter.future));
			}
			this.revisionWaiters = null;
		}
		if (this.statusWaiters != null && (next == TopicStatus.STOPPED || this.statusWaiters.isEmpty())) {
			this.statusWaiters = null;
		}
		ArrayDeque<Transition> pending = this.outbox;
		if (pending == null) {
			pending = new ArrayDeque<>(2);
			this.outbox = pending;
		}
		pending.add(new Transition(previous, status, reached, failed));
	}

	private TopicStatus compute(long now) {
		if (this.handle.state() == SyncHandle.State.STOPPED) {
			return TopicStatus.STOPPED;
		}
		if (!this.handle.hasSnapshot()) {
			return TopicStatus.INITIALIZING;
		}
		if (this.handle.isOnArchive()) {
			return TopicStatus.ON_ARCHIVE;
		}
		long deadline = staleDeadline();
		return (deadline != 0 && now - deadline >= 0) ? TopicStatus.STALE : TopicStatus.CURRENT;
	}

	/**
	 * Return when the handle turns stale if nothing changes.
	 * @return the scheduler's time, 0 if neither a revision is pending nor the source
	 * fails
	 */
	private long staleDeadline() {
		long since = earliest(this.pendingSinceNanos, this.failingSinceNanos);
		return (since != 0) ? since + this.staleAfter.toNanos() : 0;
	}

	private static long earliest(long first, long second) {
		if (first == 0) {
			return second;
		}
		if (second == 0) {
			return first;
		}
		return (second - first < 0) ? second : first;
	}

	/**
	 * Make sure the timer fires by the deadline. Lazily: a timer already armed for an
	 * earlier time stays (when it fires, {@link #timerFired} re-arms it for what is then
	 * the deadline), and one no longer needed is left to fire once and disarm, so a topic
	 * that hears of a revision and applies it, again and again, arms one timer per
	 * {@code staleAfter} rather than scheduling and cancelling one per revision.
	 */
	private void schedule(long deadline, long now) {
		if (deadline == 0 || now - deadline >= 0) {
			return;
		}
		if (this.timer != null) {
			if (deadline - this.timerDeadline >= 0) {
				return;
			}
			cancelTimer();
		}
		this.timerDeadline = deadline;
		try {
			this.timer = this.scheduler.schedule(this, Duration.ofNanos(deadline - now));
		}
		catch (RejectedExecutionException ex) {
			// shutting down: the status is read again by whatever happens next
			this.timer = null;
		}
	}

	/**
	 * The timer fired ({@link #timerFired}); the tracker is its own task, so that arming
	 * the timer takes no object of its own.
	 */
	@Override
	public void run() {
		timerFired();
	}

	private void timerFired() {
		synchronized (this) {
			this.timer = null;
			this.timerDeadline = 0;
			update();
		}
		deliver();
	}

	private void cancelTimer() {
		SyncScheduler.Cancellable pending = this.timer;
		this.timer = null;
		this.timerDeadline = 0;
		if (pending != null) {
			pending.cancel();
		}
	}

	private @Nullable String cause(TopicStatus status) {
		String failure = this.lastFailure;
		Revision local = Revision.of(this.handle.localRevisionBits());
		return switch (status) {
			case CURRENT, STOPPED -> null;
			case INITIALIZING -> (failure != null) ? "no snapshot yet; last failure: " + failure : null;
			case ON_ARCHIVE -> "running on the archived snapshot at revision " + local
					+ ", the source has not given one yet" + ((failure != null) ? "; last failure: " + failure : "");
			case STALE -> staleCause(local, failure);
		};
	}

	private String staleCause(Revision local, @Nullable String failure) {
		StringBuilder cause = new StringBuilder();
		long bound = this.staleAfter.toMillis();
		if (this.pendingSinceNanos != 0 && nowNanos() - (this.pendingSinceNanos + this.staleAfter.toNanos()) >= 0) {
			cause.append("revision ")
				.append(Revision.of(this.pendingRevision))
				.append(" is known but not applied after ")
				.append(bound)
				.append(" ms (holding ")
				.append(local)
				.append(")");
		}
		else {
			cause.append("the source has not been reached for ").append(bound).append(" ms (holding ").append(local);
			cause.append(")");
		}
		if (failure != null) {
			cause.append("; last failure: ").append(failure);
		}
		return cause.toString();
	}

	private static String describe(SyncPhase phase, Throwable cause) {
		Throwable unwrapped = ErrorReporter.unwrap(cause);
		String message = unwrapped.getMessage();
		return phase.name() + " " + unwrapped.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private long nowNanos() {
		long now = this.scheduler.nanoTime();
		// 0 means "not set" in the fields above
		return (now != 0) ? now : 1;
	}

	private IllegalStateException stoppedFailure() {
		return new IllegalStateException("Sync handle for topic '" + this.topic + "' was stopped");
	}

	/**
	 * Tell the listeners of the changes not told yet, one thread at a time, in order.
	 */
	private void deliver() {
		while (true) {
			Transition transition;
			synchronized (this) {
				if (this.delivering) {
					return;
				}
				transition = (this.outbox != null) ? this.outbox.poll() : null;
				if (transition == null) {
					// every transition told: the next makes a new outbox
					this.outbox = null;
					return;
				}
				this.delivering = true;
			}
			try {
				logChange(transition);
				this.listener.onStatusChanged(this.topic, transition.previous, transition.current);
				for (StatusWaiter waiter : transition.reached) {
					complete(waiter.future, transition.current);
				}
				if (!transition.failed.isEmpty()) {
					IllegalStateException stopped = stoppedFailure();
					for (CompletableFuture<?> future : transition.failed) {
						fail(future, stopped);
					}
				}
			}
			finally {
				synchronized (this) {
					this.delivering = false;
				}
			}
		}
	}

	private void logChange(Transition transition) {
		TopicStatus next = transition.current.status();
		if (next == TopicStatus.STALE) {
			logger.warn("Topic '{}' is stale: {}", this.topic, transition.current.cause());
		}
		else if (transition.previous.status() == TopicStatus.STALE) {
			logger.info("Topic '{}' is {} again", this.topic, next);
		}
		else {
			logger.debug("Topic '{}' is {} (was {})", this.topic, next, transition.previous.status());
		}
	}

	private <V> void complete(CompletableFuture<V> future, V value) {
		try {
			this.scheduler.execute(() -> future.complete(value));
		}
		catch (RejectedExecutionException ex) {
			future.complete(value);
		}
	}

	private void fail(CompletableFuture<?> future, Throwable failure) {
		try {
			this.scheduler.execute(() -> future.completeExceptionally(failure));
		}
		catch (RejectedExecutionException ex) {
			future.completeExceptionally(failure);
		}
	}

	private record RevisionWaiter(long atLeast, CompletableFuture<Revision> future) {

	}

	private record StatusWaiter(TopicStatus status, CompletableFuture<SyncStatus> future) {

	}

	private record Transition(SyncStatus previous, SyncStatus current, List<StatusWaiter> reached,
			List<CompletableFuture<?>> failed) {

	}

}
