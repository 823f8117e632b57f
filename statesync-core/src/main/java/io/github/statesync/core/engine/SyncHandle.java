package io.github.statesync.core.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.protocol.Topics;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.SnapshotApplier;
import io.github.statesync.core.spi.SnapshotArchive;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.Subscription;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the local state of one topic on the newest canonical snapshot: invalidate, fetch,
 * apply if newer.
 * <p>
 * Guarantees:
 * <ul>
 * <li>Revision gate on both ends: an invalidation not newer than the local revision is
 * dropped without a fetch, and a snapshot is applied only if newer (the first one always
 * is). The local revision moves only after a successful apply, so a failed apply is
 * retried by the next event or poll.</li>
 * <li>Coalescing: at most one fetch in flight and one refresh queued, whatever the event
 * rate; a queued refresh that events alone asked for is dropped when the in-flight one
 * already reached every announced revision. When events come faster than fetches return,
 * such a queued refresh waits a short, bounded time (at most 4 ms) before its fetch
 * leaves, so that one fetch covers more of the burst; sparse events fetch at once.</li>
 * <li>Lag: a snapshot older than a revision an event announced (a lagging replica) is
 * applied if newer than the local one, and the fetch is retried within the
 * {@link RetryPolicy} until the announced revision arrives; when the retries run out the
 * gap is reported (phase {@link SyncPhase#FETCH}) and the next event or poll tries
 * again.</li>
 * <li>Applies are serialized per topic and none happens after {@link #stop()}
 * returns.</li>
 * <li>Where applies run is decided here alone: every fetched snapshot (and every failed
 * fetch) and every snapshot an event carries inline is applied on the handle's
 * {@link SyncScheduler} ({@link SyncScheduler#execute}), never on the thread that
 * completed the provider's future (which may be an I/O thread) nor on the thread that
 * delivered the event. Only {@link #applyLocal} applies on its caller's thread, as its
 * result says whether it applied; and a handle whose options say
 * {@link ApplyOn#DELIVERING_THREAD} applies on the delivering thread as that option
 * describes, falling back to the scheduler when an apply blocks. No thread per handle:
 * timers run on the same scheduler.</li>
 * <li>Last-known-good (with a {@link SnapshotArchive}): every applied snapshot is
 * archived; while the handle has no snapshot, when the source fails, holds no snapshot,
 * answers a protocol error or holds a snapshot that fails to apply, the archived snapshot
 * is applied with its revision and the source is still tried, so a node that cannot get a
 * good snapshot from its source starts on the newest state it ever held. An archive that
 * cannot be read or no longer applies is reported (phase {@link SyncPhase#ARCHIVE}) and
 * ignored.</li>
 * <li>Status: {@link #status()} says whether the state held can be trusted to be the
 * fleet's ({@link TopicStatus}); every change reaches
 * {@link SyncListener#onStatusChanged}, and {@link #whenApplied} and {@link #whenStatus}
 * wait for a revision or a status without polling. A timer on the scheduler exists only
 * while a newer revision is pending or the source fails.</li>
 * </ul>
 * Instances are thread-safe. Build one with {@link #builder}.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 * @since 0.1.0
 */
public final class SyncHandle<T> {

	private static final Logger logger = LoggerFactory.getLogger(SyncHandle.class);

	/**
	 * How long the first fetch waits at most for the subscriber to confirm the
	 * subscription (never longer than the fetch timeout).
	 */
	static final Duration CONFIRMATION_WAIT = Duration.ofSeconds(1);

	private final String topic;

	private final InvalidationSubscriber subscriber;

	private final SyncOptions options;

	private final SyncScheduler scheduler;

	private final SyncListener listener;

	private final ErrorReporter reporter;

	private final LastKnownGood<T> lastKnownGood;

	private final RevisionGate<T> gate;

	private final RefreshCoordinator<T> refreshes;

	// none without throttling: events ask the coordinator directly
	private final @Nullable RefreshTrigger trigger;

	private final InvalidationGate<T> invalidations;

	private final StatusTracker status;

	// what the subscriber calls and what the parts read of the handle; also the monitor
	// that guards the lifecycle (one object per handle for the three)
	private final Events events = new Events();

	private volatile State state = State.NEW;

	private @Nullable CompletableFuture<Void> startFuture;

	private @Nullable Subscription subscription;

	// guarded by events: whether the start's fetch left, whether the
	// subscription was confirmed for the first time (before it left, or since), and the
	// timer that bounds the wait for that confirmation
	private boolean startFetchLeft;

	private boolean confirmedOnce;

	private SyncScheduler.@Nullable Cancellable confirmationWait;

	private SyncHandle(Builder<T> builder) {
		this.topic = builder.topic;
		this.subscriber = builder.subscriber;
		this.options = builder.options;
		this.scheduler = builder.scheduler;
		this.listener = new SyncListeners(builder.listeners);
		// the gate holds the revisions; an error reads them when it happens
		this.reporter = new ErrorReporter(this.topic, this.listener, this.scheduler, this.events);
		this.lastKnownGood = new LastKnownGood<>(this.topic, builder.archive, this.reporter);
		// reads the gate's fields when something changes, never before the gate exists
		this.status = new StatusTracker(this.topic, this.options.staleAfter(), this.scheduler, builder.clock,
				this.listener, this.events);
		this.gate = new RevisionGate<>(this.topic, builder.applier, this.scheduler, this.listener, this.reporter,
				this.lastKnownGood, this.events, this.status, this.options.applyOn());
		this.refreshes = new RefreshCoordinator<>(this.topic, builder.provider, this.options, this.scheduler,
				this.listener, this.reporter, this.gate, this.lastKnownGood, builder.random, this.events, this.status);
		this.trigger = this.options.throttling().isNone() ? null
				: new RefreshTrigger(this.options.throttling(), this.scheduler, this.refreshes, this.reporter);
		this.invalidations = new InvalidationGate<>(this.topic, builder.provider, builder.refreshFilter, this.listener,
				this.reporter, this.gate, this.trigger, this.scheduler, this.refreshes);
	}

	/**
	 * Start building a handle.
	 * @param <T> the type of the snapshot data
	 * @param topic the topic, not blank
	 * @param subscriber delivers the topic's invalidations
	 * @param provider fetches the topic's snapshot
	 * @param applier applies a snapshot to local state
	 * @return a builder
	 * @throws IllegalArgumentException if the topic is blank
	 */
	public static <T> Builder<T> builder(String topic, InvalidationSubscriber subscriber, SnapshotProvider<T> provider,
			SnapshotApplier<T> applier) {
		return new Builder<>(topic, subscriber, provider, applier);
	}

	/**
	 * Subscribe, then fetch and apply the first snapshot. The fetch waits until the
	 * subscriber confirmed the subscription ({@link Subscription#confirmed()}), at most
	 * {@link #CONFIRMATION_WAIT} (or the fetch timeout if shorter), so that one fetch
	 * covers every write before the confirmation and events every write after it; if it
	 * left before the confirmation, the confirmation resyncs. Idempotent: while starting
	 * or running it returns the same outcome. If subscribing fails, or the first refresh
	 * fails and {@link SyncOptions#failStartOnError()} is set (and no archived snapshot
	 * was restored), the handle unsubscribes, reports, goes back to {@link State#NEW} and
	 * the returned future fails; a handle with an archive restores its last-known-good
	 * snapshot first, so it holds state even then. If {@link #stop()} is called while
	 * starting, the future completes normally.
	 * @return a future that completes when the handle runs
	 * @throws IllegalStateException if the handle was stopped
	 */
	public CompletableFuture<Void> start() {
		CompletableFuture<Void> future;
		synchronized (this.events) {
			if (this.state == State.STOPPED) {
				throw new IllegalStateException(
						"Sync handle for topic '" + this.topic + "' was stopped; create a new handle to start again");
			}
			if (this.startFuture != null) {
				return this.startFuture.copy();
			}
			this.state = State.STARTING;
			future = new CompletableFuture<>();
			this.startFuture = future;
			// a start after a rolled back one waits for its own subscription's
			// confirmation
			this.startFetchLeft = false;
			this.confirmedOnce = false;
		}
		logger.debug("Starting sync of topic '{}'", this.topic);
		Subscription subscribed;
		try {
			subscribed = Objects.requireNonNull(this.subscriber.subscribe(this.topic, this.events),
					"subscriber returned no subscription");
		}
		catch (Exception ex) {
			report(Failure.of(SyncPhase.SUBSCRIBE, ex));
			// restored on the scheduler, like every apply; the start fails after it
			if (!this.gate.runOnApplyThread(() -> restoreAndRollBack(future, ex))) {
				rollBack(future, ex);
			}
			return future.copy();
		}
		Subscription made = subscribed;
		synchronized (this.events) {
			// the subscriber may confirm before subscribe() returns, and the start's
			// fetch may then have run it already: this start is still the handle's
			if (this.startFuture == future && (this.state == State.STARTING || this.state == State.RUNNING)) {
				this.subscription = subscribed;
				subscribed = null;
			}
		}
		if (subscribed != null) {
			// stopped (or rolled back) while subscribing
			cancelQuietly(subscribed);
			return future.copy();
		}
		fetchWhenConfirmed(future, made);
		return future.copy();
	}

	/**
	 * Start the first fetch once the subscription is confirmed, or once the wait for it
	 * ran out, whichever comes first.
	 */
	private void fetchWhenConfirmed(CompletableFuture<Void> future, Subscription made) {
		CompletionStage<Void> confirmed;
		try {
			confirmed = made.confirmed();
		}
		catch (RuntimeException ex) {
			logger.debug("Subscription of topic '{}' cannot tell its confirmation: {}", this.topic, ex.toString());
			startFetch(future, false);
			return;
		}
		CompletableFuture<Void> done = done(confirmed);
		if (done != null) {
			startFetch(future, !done.isCompletedExceptionally());
			return;
		}
		Duration wait = this.options.fetchTimeout().compareTo(CONFIRMATION_WAIT) < 0 ? this.options.fetchTimeout()
				: CONFIRMATION_WAIT;
		try {
			SyncScheduler.Cancellable timer = this.scheduler.schedule(() -> startFetch(future, false), wait);
			synchronized (this.events) {
				if (this.state == State.STARTING && !this.startFetchLeft) {
					this.confirmationWait = timer;
					timer = null;
				}
			}
			if (timer != null) {
				timer.cancel();
			}
		}
		catch (RuntimeException ex) {
			// the scheduler refused: do not wait
			startFetch(future, false);
			return;
		}
		// completed on the subscriber's thread: the fetch leaves from the scheduler
		confirmed.whenComplete((result, failure) -> onScheduler(() -> startFetch(future, failure == null)));
	}

	private static @Nullable CompletableFuture<Void> done(CompletionStage<Void> stage) {
		try {
			CompletableFuture<Void> future = stage.toCompletableFuture();
			return future.isDone() ? future : null;
		}
		catch (UnsupportedOperationException ex) {
			return null;
		}
	}

	private void onScheduler(Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RuntimeException ex) {
			task.run();
		}
	}

	/**
	 * Send the start's fetch, once.
	 * @param afterConfirmation whether the subscription was confirmed before (then its
	 * first confirmation needs no resync)
	 */
	private void startFetch(CompletableFuture<Void> future, boolean afterConfirmation) {
		SyncScheduler.Cancellable wait;
		synchronized (this.events) {
			if (this.startFetchLeft || this.state != State.STARTING) {
				return;
			}
			this.startFetchLeft = true;
			this.confirmedOnce |= afterConfirmation;
			wait = this.confirmationWait;
			this.confirmationWait = null;
		}
		if (wait != null) {
			wait.cancel();
		}
		if (!afterConfirmation) {
			logger.debug("Fetching the first snapshot of topic '{}' before its subscription was confirmed", this.topic);
		}
		this.refreshes.request(true).whenComplete((result, failure) -> started(future, failure));
	}

	private void restoreAndRollBack(CompletableFuture<Void> future, Exception failure) {
		try {
			this.lastKnownGood.restore(this.gate);
		}
		finally {
			rollBack(future, failure);
		}
	}

	private void started(CompletableFuture<Void> future, @Nullable Throwable failure) {
		if (failure != null && this.options.failStartOnError() && !this.gate.hasSnapshot()) {
			report(Failure.of(SyncPhase.START, failure));
			rollBack(future, failure);
			return;
		}
		synchronized (this.events) {
			if (this.state != State.STARTING) {
				return;
			}
			this.state = State.RUNNING;
			this.refreshes.startPolling();
		}
		this.status.changed();
		if (failure != null && this.gate.hasSnapshot()) {
			logger.warn(
					"Started sync of topic '{}' on the archived snapshot at revision {}; the next event, "
							+ "resync or poll tries the source again: {}",
					this.topic, localRevision(), failure.toString());
		}
		else if (failure != null) {
			logger.warn("Started sync of topic '{}' without a snapshot; the next event or poll tries again: {}",
					this.topic, failure.toString());
		}
		else {
			logger.debug("Started sync of topic '{}' at revision {}", this.topic, localRevision());
		}
		future.complete(null);
	}

	private void rollBack(CompletableFuture<Void> future, Throwable failure) {
		Subscription subscribed;
		synchronized (this.events) {
			if (this.state != State.STARTING) {
				// stopped meanwhile: stop() cleaned up and completed the future
				return;
			}
			this.state = State.NEW;
			this.startFuture = null;
			subscribed = this.subscription;
			this.subscription = null;
		}
		this.status.changed();
		if (subscribed != null) {
			cancelQuietly(subscribed);
		}
		future.completeExceptionally(failure);
	}

	/**
	 * Unsubscribe, cancel timers, and make sure no apply happens after this method
	 * returns (an apply in progress is waited for). Idempotent. A stopped handle cannot
	 * start again.
	 */
	public void stop() {
		Subscription subscribed;
		CompletableFuture<Void> starting;
		SyncScheduler.Cancellable wait;
		synchronized (this.events) {
			if (this.state == State.STOPPED) {
				return;
			}
			this.state = State.STOPPED;
			subscribed = this.subscription;
			this.subscription = null;
			starting = this.startFuture;
			wait = this.confirmationWait;
			this.confirmationWait = null;
		}
		if (wait != null) {
			wait.cancel();
		}
		if (this.trigger != null) {
			this.trigger.cancel();
		}
		if (subscribed != null) {
			cancelQuietly(subscribed);
		}
		this.refreshes.stop();
		if (starting != null) {
			starting.complete(null);
		}
		// every apply checks the state under the apply lock: once it is free, none runs
		// or can start
		this.gate.awaitApplies();
		// after the last apply: waits for a revision fail, waits for STOPPED complete
		this.status.changed();
		logger.debug("Stopped sync of topic '{}' at revision {}", this.topic, localRevision());
	}

	/**
	 * Fetch the snapshot and apply it if newer, whatever the revisions say. Joins a
	 * refresh already queued. Allowed before {@link #start()}; a no-op after
	 * {@link #stop()}.
	 * @return a future that completes when the refresh ends, exceptionally if it failed
	 */
	public CompletableFuture<Void> refresh() {
		return this.refreshes.request(true).copy();
	}

	/**
	 * Apply a snapshot this node produced itself (read your own writes): a node that
	 * publishes applies its write at the new revision, so its own invalidation is dropped
	 * by the gate without a fetch. Applied only if newer than the local revision.
	 * @param snapshot the snapshot just written to the source
	 * @return {@code true} if it was applied
	 */
	public boolean applyLocal(SnapshotEnvelope<T> snapshot) {
		if (this.gate.apply(snapshot, SyncPhase.APPLY, 0, null) != RevisionGate.Result.APPLIED) {
			return false;
		}
		// it was just written to the source: the source is reachable
		this.status.sourceAnswered();
		return true;
	}

	/**
	 * Return the topic.
	 * @return the topic
	 */
	public String topic() {
		return this.topic;
	}

	/**
	 * Return the lifecycle state.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Return the topic's status: whether what it holds can be trusted to be the fleet's,
	 * since when, and why.
	 * @return the status
	 */
	public SyncStatus status() {
		return this.status.current();
	}

	/**
	 * Wait until a snapshot at least as new as the given revision is applied. Completes
	 * at once if one is (for {@link Revision#ZERO}: once any snapshot is), with the local
	 * revision; fails with an {@link IllegalStateException} when the handle stops first.
	 * Add a bound with {@link CompletableFuture#orTimeout}; a future that times out or is
	 * cancelled is forgotten by the handle. Dependent stages run on the handle's
	 * {@link SyncScheduler}, never under its locks.
	 * @param atLeast the lowest revision that completes the wait
	 * @return a future completing with the revision applied
	 */
	public CompletableFuture<Revision> whenApplied(Revision atLeast) {
		return this.status.whenApplied(Objects.requireNonNull(atLeast, "atLeast must not be null"));
	}

	/**
	 * Wait until the topic's status is the given one. Completes at once if it is; fails
	 * with an {@link IllegalStateException} when the handle stops first (unless the
	 * status waited for is {@link TopicStatus#STOPPED}). Add a bound with
	 * {@link CompletableFuture#orTimeout}; a future that times out or is cancelled is
	 * forgotten by the handle.
	 * @param status the status to wait for
	 * @return a future completing with the status when it is reached
	 */
	public CompletableFuture<SyncStatus> whenStatus(TopicStatus status) {
		return this.status.whenStatus(Objects.requireNonNull(status, "status must not be null"));
	}

	/**
	 * Return the revision of the last applied snapshot.
	 * @return the revision, {@link Revision#ZERO} before the first apply
	 */
	public Revision localRevision() {
		return Revision.of(this.gate.localRevision());
	}

	/**
	 * Return whether a snapshot has been applied.
	 * @return {@code true} after the first apply
	 */
	public boolean hasSnapshot() {
		return this.gate.hasSnapshot();
	}

	/**
	 * Return the highest revision an invalidation has announced and the source has not
	 * failed to deliver within the retry bounds (such an announcement is forgotten).
	 * @return the revision, {@link Revision#ZERO} before the first accepted event
	 */
	public Revision announcedRevision() {
		return Revision.of(this.gate.announcedRevision());
	}

	/**
	 * Return the options this handle runs with.
	 * @return the options
	 */
	public SyncOptions options() {
		return this.options;
	}

	private boolean isOnArchive() {
		return this.gate.onArchive();
	}

	private long localRevisionBits() {
		return this.gate.localRevision();
	}

	private long announcedRevisionBits() {
		return this.gate.announcedRevision();
	}

	private boolean isStopped() {
		return this.state == State.STOPPED;
	}

	private void cancelQuietly(Subscription subscribed) {
		try {
			subscribed.cancel();
		}
		catch (RuntimeException ex) {
			logger.warn("Cancelling the subscription of topic '{}' failed: {}", this.topic, ex.toString());
		}
	}

	private SyncError report(Failure failure) {
		return this.reporter.report(failure);
	}

	/**
	 * The lifecycle of a handle: {@code NEW -> STARTING -> RUNNING -> STOPPED}; a failed
	 * start goes back to {@code NEW}.
	 */
	public enum State {

		/** Built, or rolled back after a failed start. */
		NEW,

		/** Subscribed, loading the first snapshot. */
		STARTING,

		/** Following the topic. */
		RUNNING,

		/** Stopped for good. */
		STOPPED

	}

	/**
	 * What the subscriber calls, and what the handle's parts read of it.
	 */
	private final class Events implements InvalidationListener, HandleView {

		@Override
		public State state() {
			return SyncHandle.this.state;
		}

		@Override
		public boolean isStopped() {
			return SyncHandle.this.isStopped();
		}

		@Override
		public boolean hasSnapshot() {
			return SyncHandle.this.gate.hasSnapshot();
		}

		@Override
		public boolean isOnArchive() {
			return SyncHandle.this.isOnArchive();
		}

		@Override
		public long localRevisionBits() {
			return SyncHandle.this.localRevisionBits();
		}

		@Override
		public long announcedRevisionBits() {
			return SyncHandle.this.announcedRevisionBits();
		}

		@Override
		public void onInvalidation(InvalidationEvent event) {
			if (accepting()) {
				SyncHandle.this.invalidations.onInvalidation(event);
			}
		}

		@Override
		public void onProtocolError(ProtocolException error) {
			if (accepting()) {
				SyncHandle.this.invalidations.onProtocolError(error);
			}
		}

		private boolean accepting() {
			State current = SyncHandle.this.state;
			return current == State.STARTING || current == State.RUNNING;
		}

		@Override
		public void onSubscriptionFailed(Exception error) {
			if (accepting()) {
				report(Failure.of(SyncPhase.SUBSCRIBE, error));
				// no confirmation to wait for: the start fetches now
				CompletableFuture<Void> starting = startingFuture();
				if (starting != null) {
					onScheduler(() -> startFetch(starting, false));
				}
			}
		}

		@Override
		public void onConfirmed() {
			boolean resync;
			CompletableFuture<Void> starting = null;
			synchronized (SyncHandle.this.events) {
				if (!accepting() || SyncHandle.this.confirmedOnce) {
					// the start's fetch left after the confirmation: it covered every
					// write before it
					return;
				}
				SyncHandle.this.confirmedOnce = true;
				resync = SyncHandle.this.startFetchLeft;
				if (!resync && SyncHandle.this.state == State.STARTING) {
					starting = SyncHandle.this.startFuture;
				}
			}
			if (resync) {
				onResync();
			}
			else if (starting != null) {
				CompletableFuture<Void> start = starting;
				onScheduler(() -> startFetch(start, true));
			}
		}

		private @Nullable CompletableFuture<Void> startingFuture() {
			synchronized (SyncHandle.this.events) {
				return (SyncHandle.this.state == State.STARTING && !SyncHandle.this.startFetchLeft)
						? SyncHandle.this.startFuture : null;
			}
		}

		@Override
		public void onResync() {
			if (SyncHandle.this.state == State.RUNNING || SyncHandle.this.state == State.STARTING) {
				logger.debug("Resyncing topic '{}' from revision {}: events may have been lost", SyncHandle.this.topic,
						localRevision());
				SyncHandle.this.refreshes.request(true);
			}
		}

	}

	/**
	 * Builds a {@link SyncHandle}.
	 *
	 * @param <T> the type of the snapshot data
	 */
	public static final class Builder<T> {

		private final String topic;

		private final InvalidationSubscriber subscriber;

		private final SnapshotProvider<T> provider;

		private final SnapshotApplier<T> applier;

		private SyncOptions options = SyncOptions.DEFAULTS;

		private SyncScheduler scheduler = SyncScheduler.shared();

		private final List<SyncListener> listeners = new ArrayList<>();

		private @Nullable Predicate<InvalidationEvent> refreshFilter;

		private @Nullable SnapshotArchive<T> archive;

		private Clock clock = Clock.systemUTC();

		// asked on the thread that computes each delay: a ThreadLocalRandom
		// taken here and used on another thread is never seeded, so it would
		// draw the same in every JVM
		private Supplier<RandomGenerator> random = ThreadLocalRandom::current;

		private Builder(String topic, InvalidationSubscriber subscriber, SnapshotProvider<T> provider,
				SnapshotApplier<T> applier) {
			this.topic = Topics.requireValid(topic);
			this.subscriber = Objects.requireNonNull(subscriber, "subscriber must not be null");
			this.provider = Objects.requireNonNull(provider, "provider must not be null");
			this.applier = Objects.requireNonNull(applier, "applier must not be null");
		}

		/**
		 * Set the options (default {@link SyncOptions#DEFAULTS}).
		 * @param options the options
		 * @return this builder
		 */
		public Builder<T> options(SyncOptions options) {
			this.options = Objects.requireNonNull(options, "options must not be null");
			return this;
		}

		/**
		 * Set the scheduler (default {@link SyncScheduler#shared()}).
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder<T> scheduler(SyncScheduler scheduler) {
			this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
			return this;
		}

		/**
		 * Add a listener.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder<T> listener(SyncListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
			return this;
		}

		/**
		 * Set a filter that an event newer than the local revision must pass to cause a
		 * refresh (TypeScript's {@code shouldRefresh}).
		 * @param refreshFilter the filter
		 * @return this builder
		 */
		public Builder<T> refreshFilter(Predicate<InvalidationEvent> refreshFilter) {
			this.refreshFilter = Objects.requireNonNull(refreshFilter, "refreshFilter must not be null");
			return this;
		}

		/**
		 * Set where the last-known-good snapshot is kept: every applied snapshot is saved
		 * there, and it is applied when the source fails, holds no snapshot, answers a
		 * protocol error or holds a snapshot that fails to apply, before the handle has
		 * one (tried once per handle). A handle restored from its archive counts as
		 * started even with {@link SyncOptions#failStartOnError()}.
		 * @param archive the archive
		 * @return this builder
		 */
		public Builder<T> archive(SnapshotArchive<T> archive) {
			this.archive = Objects.requireNonNull(archive, "archive must not be null");
			return this;
		}

		/**
		 * Set the clock that dates status changes ({@link SyncStatus#since()}; default
		 * the system clock in UTC). How long a topic may stay behind is measured on the
		 * scheduler's clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder<T> clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock must not be null");
			return this;
		}

		/**
		 * Set the source of retry jitter (default: {@link ThreadLocalRandom#current()} of
		 * the thread that computes each delay, seeded differently in every JVM). A
		 * generator set here is used from the scheduler's threads, so it must be
		 * thread-safe.
		 * @param random the random generator
		 * @return this builder
		 */
		public Builder<T> random(RandomGenerator random) {
			Objects.requireNonNull(random, "random must not be null");
			this.random = () -> random;
			return this;
		}

		/**
		 * Build the handle, in state {@link State#NEW}.
		 * @return the handle
		 */
		public SyncHandle<T> build() {
			return new SyncHandle<>(this);
		}

	}

}
