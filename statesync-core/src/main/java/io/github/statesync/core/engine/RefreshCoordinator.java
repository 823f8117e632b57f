package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotMissingException;
import io.github.statesync.core.spi.SnapshotProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the refreshes of one handle, and its poll timer: at most one in flight and one
 * queued, whatever the request rate (a queued refresh that only events asked for is
 * dropped when the one in flight reached every announced revision), each a fetch with its
 * retries and lag handling. When events come faster than fetches return (at least
 * {@link #BURST_EVENTS} during one fetch), a queued refresh that only events asked for is
 * held a short, bounded time before its fetch leaves ({@link #hold}), so that one fetch
 * covers more of the burst; sparse events fetch at once. A failed fetch is handled on the
 * scheduler through {@link RevisionGate#runOnApplyThread}, a fetched snapshot where
 * {@link RevisionGate#runDelivered} says (the scheduler unless the handle applies on the
 * delivering thread), never on the thread that completed the provider's future by
 * default. Fetch timeouts are watched by one timer per handle ({@link #watch}), not a
 * task per fetch. It exists so that the handle's lifecycle and the refresh state machine
 * can be read apart.
 * <p>
 * State is guarded by {@code this}, held only to update fields.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 */
final class RefreshCoordinator<T> implements Runnable {

	private static final Logger logger = LoggerFactory.getLogger(SyncHandle.class);

	private final String topic;

	private final SnapshotProvider<T> provider;

	private final SyncOptions options;

	private final SyncScheduler scheduler;

	private final SyncListener listener;

	private final ErrorReporter reporter;

	private final RevisionGate<T> gate;

	private final LastKnownGood<T> lastKnownGood;

	private final Supplier<RandomGenerator> random;

	private final HandleView handle;

	private final StatusTracker status;

	/**
	 * Events that joined a refresh in flight from which on events count as a burst: one
	 * or two during a fetch is the pace of a writer that waits for each write (or a
	 * reader slowed down for a moment, whose next fetch must not wait), more is a writer
	 * that outruns the reader.
	 */
	static final int BURST_EVENTS = 4;

	/**
	 * The longest mean interval between the events of a burst: events slower than this
	 * (4,000 a second) never hold a refresh, however slow the fetches, so a paced writer
	 * is followed at once even by a reader that fell behind for a moment.
	 */
	static final long MAX_BURST_INTERVAL_NANOS = TimeUnit.MICROSECONDS.toNanos(250);

	/** The longest a queued refresh is held in a burst. */
	static final long MAX_HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

	/** Holds shorter than this are not worth a timer: the refresh leaves at once. */
	static final long MIN_HOLD_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

	/** The shortest silence that ends a hold early. */
	static final long MIN_QUIET_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

	private @Nullable Refresh running;

	private @Nullable CompletableFuture<Void> queued;

	private boolean queuedForced;

	// when the fetch of the refresh in flight left, and how many events joined it since
	private long fetchLeftNanos;

	private int eventsInFlight;

	// a held refresh: the timer that lets it leave, when it must leave at the latest,
	// the silence after the last event that lets it leave earlier, and that event
	private SyncScheduler.@Nullable Cancellable holdTask;

	private long holdDeadlineNanos;

	private long quietNanos;

	// after a refresh that saw a burst: until when an event that finds nothing in flight
	// waits like a queued refresh, and for how long at most
	private long burstUntilNanos;

	private long burstHoldNanos;

	private long lastEventNanos;

	private SyncScheduler.@Nullable Cancellable pollTask;

	private final long fetchTimeoutNanos;

	// the fetch in flight that has not answered, and the timer watching it; guarded by
	// this (read without it only to skip the lock)
	private volatile @Nullable Fetch watched;

	private SyncScheduler.@Nullable Cancellable timeoutTimer;

	RefreshCoordinator(String topic, SnapshotProvider<T> provider, SyncOptions options, SyncScheduler scheduler,
			SyncListener listener, ErrorReporter reporter, RevisionGate<T> gate, LastKnownGood<T> lastKnownGood,
			Supplier<RandomGenerator> random, HandleView handle, StatusTracker status) {
		this.topic = topic;
		this.provider = provider;
		this.options = options;
		this.scheduler = scheduler;
		this.listener = listener;
		this.reporter = reporter;
		this.gate = gate;
		this.lastKnownGood = lastKnownGood;
		this.random = random;
		this.handle = handle;
		this.status = status;
		this.fetchTimeoutNanos = options.fetchTimeout().toNanos();
	}

	/**
	 * Ask for a refresh: start one, or join (or queue) the one after the refresh in
	 * flight.
	 * @param forced whether the refresh must fetch even if the local revision already
	 * reached every announced one
	 * @return a future that completes when the refresh ends, exceptionally if it failed
	 */
	CompletableFuture<Void> request(boolean forced) {
		Refresh fresh = null;
		CompletableFuture<Void> result;
		boolean coalesced = false;
		boolean release = false;
		synchronized (this) {
			if (this.handle.isStopped()) {
				return CompletableFuture.completedFuture(null);
			}
			if (this.running == null && this.holdTask == null && !forced && this.queued == null && holdInBurst()) {
				this.queued = new CompletableFuture<>();
				result = this.queued;
			}
			else if (this.running == null && this.holdTask == null) {
				fresh = new Refresh(new CompletableFuture<>());
				this.running = fresh;
				this.fetchLeftNanos = this.scheduler.nanoTime();
				this.eventsInFlight = 0;
				result = fresh.completion;
			}
			else {
				if (this.queued == null) {
					this.queued = new CompletableFuture<>();
				}
				else {
					coalesced = true;
				}
				this.queuedForced |= forced;
				result = this.queued;
				if (!forced) {
					this.eventsInFlight++;
					this.lastEventNanos = this.scheduler.nanoTime();
				}
				else if (this.holdTask != null) {
					// an explicit refresh, a resync or a poll is never held
					this.holdTask.cancel();
					this.holdTask = null;
					release = true;
				}
			}
		}
		if (coalesced) {
			this.listener.onCoalesced(this.topic);
		}
		if (fresh != null) {
			fresh.fetch();
		}
		else if (release) {
			startQueued(false);
		}
		return result;
	}

	/**
	 * The handle runs: refresh every {@link SyncOptions#pollInterval()}, if set, until it
	 * stops.
	 */
	void startPolling() {
		Duration interval = this.options.pollInterval();
		if (interval == null) {
			return;
		}
		synchronized (this) {
			if (!this.handle.isStopped()) {
				this.pollTask = this.scheduler.schedule(this::poll, interval);
			}
		}
	}

	private void poll() {
		try {
			if (!this.handle.isStopped()) {
				request(true);
			}
		}
		catch (RuntimeException ex) {
			this.reporter.report(Failure.of(SyncPhase.REFRESH, ex));
		}
		finally {
			startPolling();
		}
	}

	/**
	 * The handle stopped: cancel the poll timer, a pending retry and the fetch timeout
	 * timer unless a fetch is in flight, and complete the queued refresh.
	 */
	void stop() {
		Refresh inFlight;
		CompletableFuture<Void> waiting;
		SyncScheduler.Cancellable poll;
		SyncScheduler.Cancellable idleTimer = null;
		SyncScheduler.Cancellable hold;
		synchronized (this) {
			inFlight = this.running;
			waiting = this.queued;
			this.queued = null;
			poll = this.pollTask;
			this.pollTask = null;
			// a fetch in flight keeps its timeout: it ends the refresh if no answer comes
			if (this.watched == null) {
				idleTimer = this.timeoutTimer;
				this.timeoutTimer = null;
			}
			hold = this.holdTask;
			this.holdTask = null;
		}
		if (poll != null) {
			poll.cancel();
		}
		if (idleTimer != null) {
			idleTimer.cancel();
		}
		if (hold != null) {
			hold.cancel();
		}
		if (inFlight != null) {
			inFlight.cancelRetry();
		}
		if (waiting != null) {
			waiting.complete(null);
		}
	}

	private void refreshEnded() {
		synchronized (this) {
			this.running = null;
			if (hold()) {
				return;
			}
		}
		// a hop, not a call: a provider that completes inline must not grow the stack
		startQueued(true);
	}

	/**
	 * Decide, as a refresh ends, whether the queued refresh waits before its fetch
	 * leaves, and if so start its timer. It waits only if events alone asked for it, the
	 * handle is behind, no throttling shapes the events already, and at least
	 * {@link #BURST_EVENTS} events came while the fetch was in flight, at most
	 * {@link #MAX_BURST_INTERVAL_NANOS} apart on average: then more are likely to come
	 * before the next fetch would return. It waits for as long again as the fetch took,
	 * twice, at most {@link #MAX_HOLD_NANOS}, and leaves earlier once the events pause
	 * for four of their mean intervals (at least {@link #MIN_QUIET_NANOS}): the last
	 * event of a burst waits little more than that pause. Called with the lock held.
	 * @return whether the queued refresh is held
	 */
	private boolean hold() {
		int events = this.eventsInFlight;
		this.eventsInFlight = 0;
		this.burstUntilNanos = 0;
		if (this.queuedForced || events < BURST_EVENTS || this.handle.isStopped()
				|| !this.options.throttling().isNone()) {
			return false;
		}
		long now = this.scheduler.nanoTime();
		long fetchNanos = now - this.fetchLeftNanos;
		long interval = fetchNanos / events;
		long holdNanos = Math.min(MAX_HOLD_NANOS, 2 * fetchNanos);
		if (interval > MAX_BURST_INTERVAL_NANOS || holdNanos < MIN_HOLD_NANOS) {
			return false;
		}
		this.quietNanos = Math.max(MIN_QUIET_NANOS, 4 * interval);
		this.burstHoldNanos = holdNanos;
		// the fetch may have reached every event so far: the next one, if it comes
		// within the hold, waits as well
		this.burstUntilNanos = (now + holdNanos != 0) ? now + holdNanos : 1;
		if (this.queued == null || !this.gate.isBehind(this.gate.announcedRevision())) {
			return false;
		}
		this.holdDeadlineNanos = now + holdNanos;
		if (logger.isDebugEnabled()) {
			logger.debug("Holding the next refresh of topic '{}' for at most {} us: {} events during a fetch of {} us",
					this.topic, holdNanos / 1000, events, fetchNanos / 1000);
		}
		return scheduleHoldCheck(now);
	}

	/**
	 * An event found nothing in flight right after a refresh that saw a burst (its fetch
	 * reached every event then, so nothing was queued): the burst likely goes on, and the
	 * event waits like a queued refresh, for the same bounds. Called with the lock held.
	 * @return whether the event's refresh is held
	 */
	private boolean holdInBurst() {
		if (this.burstUntilNanos == 0) {
			return false;
		}
		long now = this.scheduler.nanoTime();
		boolean inBurst = now - this.burstUntilNanos < 0;
		// one hold per refresh that saw the burst: the next refresh looks again
		this.burstUntilNanos = 0;
		if (!inBurst) {
			return false;
		}
		this.lastEventNanos = now;
		this.holdDeadlineNanos = now + this.burstHoldNanos;
		this.eventsInFlight = 0;
		return scheduleHoldCheck(now);
	}

	/**
	 * Let the held refresh leave when the events paused or the hold ran out, else look
	 * again when one of them may be true.
	 */
	private void holdCheck() {
		try {
			synchronized (this) {
				if (this.holdTask == null) {
					// released by a forced request, or stopped
					return;
				}
				this.holdTask = null;
				if (!this.handle.isStopped() && scheduleHoldCheck(this.scheduler.nanoTime())) {
					return;
				}
			}
			startQueued(false);
		}
		catch (RuntimeException ex) {
			this.reporter.report(Failure.of(SyncPhase.REFRESH, ex));
		}
	}

	/**
	 * Schedule the next look at the held refresh, if it must still wait. Called with the
	 * lock held.
	 * @return whether it waits (else the caller lets it leave)
	 */
	private boolean scheduleHoldCheck(long now) {
		long due = Math.min(this.holdDeadlineNanos, this.lastEventNanos + this.quietNanos);
		if (due - now <= 0) {
			return false;
		}
		try {
			this.holdTask = this.scheduler.schedule(this::holdCheck, Duration.ofNanos(due - now));
			return true;
		}
		catch (RuntimeException ex) {
			// the scheduler refused (it was shut down): the refresh leaves at once
			return false;
		}
	}

	/**
	 * Start the queued refresh, if it is still wanted, else complete it.
	 * @param hop whether to start it on the scheduler rather than on this thread
	 */
	private void startQueued(boolean hop) {
		CompletableFuture<Void> next;
		Refresh fresh = null;
		synchronized (this) {
			if (this.running != null || this.holdTask != null) {
				// started meanwhile by a request that found nothing in flight
				return;
			}
			next = this.queued;
			boolean forced = this.queuedForced;
			this.queued = null;
			this.queuedForced = false;
			if (next != null && !this.handle.isStopped()
					&& (forced || this.gate.isBehind(this.gate.announcedRevision()))) {
				fresh = new Refresh(next);
				this.running = fresh;
				this.fetchLeftNanos = this.scheduler.nanoTime();
				this.eventsInFlight = 0;
			}
		}
		if (fresh != null) {
			if (hop) {
				this.scheduler.execute(fresh::fetch);
			}
			else {
				fresh.fetch();
			}
		}
		else if (next != null) {
			this.listener.onCoalesced(this.topic);
			next.complete(null);
		}
	}

	/**
	 * One refresh: a fetch, its retries, and the apply.
	 */
	private final class Refresh {

		final CompletableFuture<Void> completion;

		private final long startNanos = RefreshCoordinator.this.scheduler.nanoTime();

		private int attempt;

		private long announcedAtFetch;

		// what the handle held from its source when the fetch left, and whether it
		// held anything: an answer below it means the source went back
		private long heldAtFetch;

		private boolean heldAtFetchFromSource;

		// the revision of the last answer below what the handle held, 0 if the last
		// answer was not: the same answer twice in a row confirms a regression
		private long regressedAnswer;

		private boolean regressedBefore;

		private boolean applied;

		private @Nullable Throwable failure;

		// guarded by RefreshCoordinator.this
		private SyncScheduler.@Nullable Cancellable pendingRetry;

		private boolean finished;

		Refresh(CompletableFuture<Void> completion) {
			this.completion = completion;
		}

		void fetch() {
			RefreshCoordinator<T> coordinator = RefreshCoordinator.this;
			if (coordinator.handle.isStopped()) {
				finish(RefreshOutcome.SKIPPED);
				return;
			}
			this.attempt++;
			// events announced after this point queue a refresh of their own: only what
			// was announced before the fetch left counts as lag
			this.announcedAtFetch = coordinator.gate.announcedRevision();
			this.heldAtFetch = coordinator.gate.localRevision();
			this.heldAtFetchFromSource = coordinator.gate.hasSnapshot() && !coordinator.gate.onArchive();
			Fetch pending = new Fetch(this, coordinator.scheduler.nanoTime() + coordinator.fetchTimeoutNanos);
			try {
				CompletableFuture<@Nullable SnapshotEnvelope<T>> source = Objects.requireNonNull(
						coordinator.provider.fetch(coordinator.topic, Revision.of(coordinator.gate.localRevision())),
						"snapshot provider returned no future");
				if (source.isDone()) {
					// answered at once: no timeout to watch, no callback to register
					pending.settleFrom(source);
				}
				else {
					coordinator.watch(pending);
					source.whenComplete(pending);
				}
			}
			catch (RuntimeException ex) {
				pending.settle(null, ex);
			}
		}

		/**
		 * The scheduler refused to take the fetch's result (it was shut down): end the
		 * refresh without applying, rather than never.
		 */
		void refused() {
			RejectedExecutionException cause = new RejectedExecutionException(
					"the scheduler refused to apply the snapshot of topic '" + RefreshCoordinator.this.topic + "'");
			RefreshCoordinator.this.reporter.report(Failure.of(SyncPhase.REFRESH, cause).attempt(this.attempt));
			this.failure = cause;
			finish(RefreshOutcome.FAILED);
		}

		void fetched(@Nullable SnapshotEnvelope<T> snapshot, @Nullable Throwable failure) {
			RefreshCoordinator<T> coordinator = RefreshCoordinator.this;
			try {
				if (coordinator.handle.isStopped()) {
					finish(RefreshOutcome.SKIPPED);
					return;
				}
				if (failure != null || snapshot == null) {
					coordinator.lastKnownGood.restore(coordinator.gate);
				}
				if (failure != null) {
					Throwable cause = ErrorReporter.unwrap(failure);
					if (cause instanceof SnapshotMissingException) {
						// reached, and it lost data: the node holds the newest known
						coordinator.status.sourceAnswered();
					}
					else {
						coordinator.status.fetchFailed(
								(cause instanceof ProtocolException) ? SyncPhase.PROTOCOL : SyncPhase.FETCH, cause);
					}
					if (cause instanceof ProtocolException || cause instanceof SnapshotMissingException) {
						// the source holds a bad snapshot, or lost it: asking again
						// now gets the same; a lost snapshot is reported as the
						// source going back, but not followed (that would put the
						// node on its defaults)
						SyncPhase phase = (cause instanceof ProtocolException) ? SyncPhase.PROTOCOL
								: SyncPhase.REGRESSION;
						coordinator.reporter.report(Failure.of(phase, cause).attempt(this.attempt));
						this.failure = cause;
						finish(RefreshOutcome.FAILED);
					}
					else {
						retryOrFinish(cause, null);
					}
					return;
				}
				coordinator.status.sourceAnswered();
				Revision snapshotRevision = Revision.of(coordinator.gate.localRevision());
				if (snapshot != null) {
					snapshotRevision = snapshot.revision();
					if (snapshot.encodedSize() >= 0) {
						coordinator.listener.onSnapshotRead(coordinator.topic, snapshotRevision,
								snapshot.encodedSize());
					}
					switch (coordinator.gate.apply(snapshot, SyncPhase.APPLY, this.attempt,
							(ex) -> this.failure = ex)) {
						case APPLIED -> this.applied = true;
						case FAILED -> {
							// a snapshot this node cannot apply is as good as none
							coordinator.lastKnownGood.restore(coordinator.gate);
							finish(RefreshOutcome.FAILED);
							return;
						}
						case STOPPED -> {
							finish(RefreshOutcome.SKIPPED);
							return;
						}
						case SKIPPED -> {
							if (regressed(snapshot)) {
								return;
							}
						}
					}
				}
				if (coordinator.gate.isBehind(this.announcedAtFetch)) {
					retryOrFinish(new SnapshotLagException(coordinator.topic, snapshotRevision,
							Revision.of(this.announcedAtFetch)), snapshotRevision);
					return;
				}
				coordinator.status.caughtUp(coordinator.gate.isBehind(coordinator.gate.announcedRevision()));
				finish(this.applied ? RefreshOutcome.APPLIED : RefreshOutcome.SKIPPED);
			}
			catch (RuntimeException ex) {
				coordinator.reporter.report(Failure.of(SyncPhase.REFRESH, ex).attempt(this.attempt));
				this.failure = ex;
				finish(RefreshOutcome.FAILED);
			}
		}

		/**
		 * Check a snapshot the gate skipped for a regression of the source: an answer
		 * below what the handle held when the fetch left, while no newer revision than
		 * that was announced (else the source lags). The first such answer is asked again
		 * after a retry delay (a replica that lags catches up meanwhile); the same answer
		 * again confirms it, unless the handle moved meanwhile, and is reported and
		 * handled by the {@link RegressionPolicy}.
		 * @return whether the regression check took over the refresh (it retries or
		 * finished it)
		 */
		private boolean regressed(SnapshotEnvelope<T> snapshot) {
			RefreshCoordinator<T> coordinator = RefreshCoordinator.this;
			long held = this.heldAtFetch;
			long answer = snapshot.revision().longValue();
			// with a newer revision announced than the source gave, the source lags (a
			// replica behind its primary): the lag retries handle it, not this check
			if (!this.heldAtFetchFromSource || coordinator.gate.localRevision() != held
					|| Long.compareUnsigned(answer, held) >= 0
					|| Long.compareUnsigned(this.announcedAtFetch, held) > 0) {
				this.regressedBefore = false;
				return false;
			}
			boolean confirmed = this.regressedBefore && this.regressedAnswer == answer;
			this.regressedBefore = true;
			this.regressedAnswer = answer;
			RetryPolicy retry = coordinator.options.retry();
			if (!confirmed && retry.canRetry(this.attempt) && !coordinator.handle.isStopped()) {
				Duration delay = retry.delay(this.attempt, coordinator.random.get());
				logger.debug("Source of topic '{}' answered revision {} below the {} held; asking again in {} ms",
						coordinator.topic, snapshot.revision(), Revision.of(held), delay.toMillis());
				synchronized (coordinator) {
					this.pendingRetry = coordinator.scheduler.schedule(this::retry, delay);
				}
				return true;
			}
			RegressionPolicy policy = coordinator.options.onRegression();
			SourceRegressionException regression = new SourceRegressionException(coordinator.topic, snapshot.revision(),
					Revision.of(held), policy);
			coordinator.reporter.report(
					Failure.of(SyncPhase.REGRESSION, regression).snapshot(snapshot.revision()).attempt(this.attempt));
			if (policy == RegressionPolicy.HOLD) {
				this.failure = regression;
				finish(RefreshOutcome.FAILED);
				return true;
			}
			switch (coordinator.gate.follow(snapshot, held, this.attempt, (ex) -> this.failure = ex)) {
				case APPLIED -> finish(RefreshOutcome.APPLIED);
				case FAILED -> finish(RefreshOutcome.FAILED);
				case SKIPPED, STOPPED -> finish(RefreshOutcome.SKIPPED);
			}
			return true;
		}

		private void retryOrFinish(Throwable cause, @Nullable Revision snapshotRevision) {
			RefreshCoordinator<T> coordinator = RefreshCoordinator.this;
			RetryPolicy retry = coordinator.options.retry();
			Failure fetchFailure = Failure.of(SyncPhase.FETCH, cause).snapshot(snapshotRevision).attempt(this.attempt);
			if (!retry.canRetry(this.attempt) || coordinator.handle.isStopped()) {
				coordinator.reporter.report(fetchFailure);
				if (cause instanceof SnapshotLagException) {
					coordinator.gate.forgetAnnouncement(this.announcedAtFetch);
				}
				this.failure = cause;
				finish(this.applied ? RefreshOutcome.APPLIED : RefreshOutcome.FAILED);
				return;
			}
			// the jitter source is asked here, on the thread that computes the delay
			Duration delay = retry.delay(this.attempt, coordinator.random.get());
			SyncError error = coordinator.reporter.report(fetchFailure.retryIn(delay));
			coordinator.listener.onRetry(coordinator.topic, error);
			synchronized (coordinator) {
				this.pendingRetry = coordinator.scheduler.schedule(this::retry, delay);
			}
		}

		private void retry() {
			synchronized (RefreshCoordinator.this) {
				if (this.pendingRetry == null) {
					// cancelled by stop(), which finished this refresh
					return;
				}
				this.pendingRetry = null;
			}
			fetch();
		}

		void cancelRetry() {
			SyncScheduler.Cancellable pending;
			synchronized (RefreshCoordinator.this) {
				pending = this.pendingRetry;
				this.pendingRetry = null;
			}
			if (pending != null) {
				pending.cancel();
				finish(RefreshOutcome.SKIPPED);
			}
		}

		private void finish(RefreshOutcome outcome) {
			synchronized (RefreshCoordinator.this) {
				if (this.finished) {
					return;
				}
				this.finished = true;
			}
			RefreshCoordinator.this.listener.onRefresh(RefreshCoordinator.this.topic, outcome,
					RefreshCoordinator.this.scheduler.nanoTime() - this.startNanos);
			if (outcome == RefreshOutcome.FAILED && this.failure != null) {
				this.completion.completeExceptionally(this.failure);
			}
			else {
				this.completion.complete(null);
			}
			refreshEnded();
		}

	}

	/**
	 * Watch a fetch that has not answered yet for its deadline. One timer per handle,
	 * armed while fetches are in flight: a fetch that starts while it is armed does not
	 * schedule one of its own, so back-to-back fetches cost a field write each instead of
	 * a scheduled task and its cancellation. The timer re-arms itself for the deadline of
	 * the fetch in flight when it fires, so a fetch still times out at its own deadline
	 * (no slack beyond the scheduler's), and it is gone one fetch timeout after the last
	 * fetch answered.
	 * @param fetch the fetch in flight
	 */
	private void watch(Fetch fetch) {
		synchronized (this) {
			this.watched = fetch;
			if (this.timeoutTimer == null) {
				this.timeoutTimer = this.scheduler.schedule(this, this.options.fetchTimeout());
			}
		}
	}

	/**
	 * The fetch timeout timer fired ({@link #checkTimeout}); the coordinator is its own
	 * task, so that arming the timer takes no object of its own.
	 */
	@Override
	public void run() {
		checkTimeout();
	}

	private void checkTimeout() {
		Fetch expired;
		synchronized (this) {
			this.timeoutTimer = null;
			Fetch fetch = this.watched;
			if (fetch == null) {
				return;
			}
			long remaining = fetch.deadline - this.scheduler.nanoTime();
			if (remaining > 0) {
				this.timeoutTimer = this.scheduler.schedule(this, Duration.ofNanos(remaining));
				return;
			}
			this.watched = null;
			expired = fetch;
		}
		expired.settle(null, new TimeoutException(
				"fetch of topic '" + this.topic + "' took longer than " + this.options.fetchTimeout()));
	}

	private void answered(Fetch fetch) {
		if (this.watched == fetch) {
			synchronized (this) {
				if (this.watched == fetch) {
					this.watched = null;
				}
			}
		}
	}

	/**
	 * One fetch of a refresh, from the provider's answer (or the timeout, whichever comes
	 * first) to the handling of its result, which it runs as a task.
	 */
	private final class Fetch implements BiConsumer<@Nullable SnapshotEnvelope<T>, @Nullable Throwable>, Runnable {

		private static final AtomicIntegerFieldUpdater<RefreshCoordinator.Fetch> SETTLED = AtomicIntegerFieldUpdater
			.newUpdater(RefreshCoordinator.Fetch.class, "settled");

		final Refresh refresh;

		final long deadline;

		private volatile int settled;

		private @Nullable SnapshotEnvelope<T> snapshot;

		private @Nullable Throwable failure;

		Fetch(Refresh refresh, long deadline) {
			this.refresh = refresh;
			this.deadline = deadline;
		}

		@Override
		public void accept(@Nullable SnapshotEnvelope<T> snapshot, @Nullable Throwable failure) {
			settle(snapshot, failure);
		}

		void settleFrom(CompletableFuture<@Nullable SnapshotEnvelope<T>> source) {
			SnapshotEnvelope<T> snapshot;
			try {
				snapshot = source.join();
			}
			catch (CompletionException ex) {
				settle(null, (ex.getCause() != null) ? ex.getCause() : ex);
				return;
			}
			catch (CancellationException ex) {
				settle(null, ex);
				return;
			}
			settle(snapshot, null);
		}

		/**
		 * The provider answered, or the fetch timed out: the first of the two counts.
		 * Whoever settles it (an I/O thread, the timeout, or the thread that asked when
		 * the provider answered at once), the result is handled where the gate says: on
		 * the scheduler, or for a snapshot of a handle that applies on the delivering
		 * thread, here.
		 */
		void settle(@Nullable SnapshotEnvelope<T> snapshot, @Nullable Throwable failure) {
			if (!SETTLED.compareAndSet(this, 0, 1)) {
				return;
			}
			answered(this);
			this.snapshot = snapshot;
			this.failure = failure;
			RevisionGate<T> gate = RefreshCoordinator.this.gate;
			// a failure may read the archive: never on the delivering thread
			boolean accepted = (failure == null && snapshot != null) ? gate.runDelivered(this)
					: gate.runOnApplyThread(this);
			if (!accepted) {
				this.refresh.refused();
			}
		}

		@Override
		public void run() {
			this.refresh.fetched(this.snapshot, this.failure);
		}

	}

}
