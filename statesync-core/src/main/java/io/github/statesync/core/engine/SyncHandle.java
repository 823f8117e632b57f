package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
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
 * already reached every announced revision.</li>
 * <li>Lag: a snapshot older than a revision an event announced (a lagging replica) is
 * applied if newer than the local one, and the fetch is retried within the
 * {@link RetryPolicy} until the announced revision arrives; when the retries run out the
 * gap is reported (phase {@link SyncPhase#FETCH}) and the next event or poll tries
 * again.</li>
 * <li>Applies are serialized per topic and none happens after {@link #stop()}
 * returns.</li>
 * <li>No thread per handle: timers and hand-offs run on a shared {@link SyncScheduler}; a
 * fetch's result is applied on the thread that completes it, or on the
 * {@linkplain Builder#applyExecutor apply executor} when there is one and the fetch
 * completed early or failed.</li>
 * <li>Last-known-good (with a {@link SnapshotArchive}): every applied snapshot is
 * archived; when the source fails, or holds no snapshot, while the handle has none yet,
 * the archived snapshot is applied with its revision and the source is still tried, so a
 * node that starts while the source is down starts on the newest state it ever held. An
 * archive that cannot be read or no longer applies is reported (phase
 * {@link SyncPhase#ARCHIVE}) and ignored.</li>
 * </ul>
 * Instances are thread-safe. Build one with {@link #builder}.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 * @since 0.1.0
 */
public final class SyncHandle<T> {

	private static final Logger logger = LoggerFactory.getLogger(SyncHandle.class);

	/** A repeated error of one phase is logged at WARN at most once per this interval. */
	private static final long WARN_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

	private final String topic;

	private final InvalidationSubscriber subscriber;

	private final SnapshotProvider<T> provider;

	private final SnapshotApplier<T> applier;

	private final @Nullable Executor applyExecutor;

	private final @Nullable SnapshotArchive<T> archive;

	private final AtomicBoolean restoreTried = new AtomicBoolean();

	private final SyncOptions options;

	private final SyncScheduler scheduler;

	private final SyncListener listener;

	private final @Nullable Predicate<InvalidationEvent> refreshFilter;

	private final RandomGenerator random;

	private final RefreshTrigger trigger;

	private final Events events = new Events();

	private final Object lifecycleMonitor = new Object();

	private volatile State state = State.NEW;

	private @Nullable CompletableFuture<Void> startFuture;

	private @Nullable Subscription subscription;

	private SyncScheduler.@Nullable Cancellable pollTask;

	private final ReentrantLock applyLock = new ReentrantLock();

	private volatile long localRevision;

	private volatile boolean hasSnapshot;

	private final AtomicReference<Announcement> announced = new AtomicReference<>(Announcement.NONE);

	// guarded by this, held only to update fields
	private @Nullable Refresh running;

	private @Nullable CompletableFuture<Void> queued;

	private boolean queuedForced;

	private final long[] lastWarnedNanos = new long[SyncPhase.values().length];

	private SyncHandle(Builder<T> builder) {
		this.topic = builder.topic;
		this.subscriber = builder.subscriber;
		this.provider = builder.provider;
		this.applier = builder.applier;
		this.archive = builder.archive;
		this.applyExecutor = builder.applyExecutor;
		this.options = builder.options;
		this.scheduler = builder.scheduler;
		this.listener = new SyncListeners(builder.listeners);
		this.refreshFilter = builder.refreshFilter;
		this.random = builder.random;
		this.trigger = new RefreshTrigger(this.options.throttling(), this.scheduler, () -> requestRefresh(false),
				(ex) -> report(SyncPhase.THROTTLE, ex, null, 0, false, null));
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
	 * Subscribe, then fetch and apply the first snapshot. Idempotent: while starting or
	 * running it returns the same outcome. If subscribing fails, or the first refresh
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
		synchronized (this.lifecycleMonitor) {
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
		}
		logger.debug("Starting sync of topic '{}'", this.topic);
		Subscription subscribed;
		try {
			subscribed = Objects.requireNonNull(this.subscriber.subscribe(this.topic, this.events),
					"subscriber returned no subscription");
		}
		catch (Exception ex) {
			report(SyncPhase.SUBSCRIBE, ex, null, 0, false, null);
			restoreFromArchive();
			rollBack(future, ex);
			return future.copy();
		}
		synchronized (this.lifecycleMonitor) {
			if (this.state == State.STARTING) {
				this.subscription = subscribed;
				subscribed = null;
			}
		}
		if (subscribed != null) {
			// stopped while subscribing
			cancelQuietly(subscribed);
			return future.copy();
		}
		requestRefresh(true).whenComplete((result, failure) -> started(future, failure));
		return future.copy();
	}

	private void started(CompletableFuture<Void> future, @Nullable Throwable failure) {
		if (failure != null && this.options.failStartOnError() && !this.hasSnapshot) {
			report(SyncPhase.START, failure, null, 0, false, null);
			rollBack(future, failure);
			return;
		}
		synchronized (this.lifecycleMonitor) {
			if (this.state != State.STARTING) {
				return;
			}
			this.state = State.RUNNING;
			schedulePoll();
		}
		if (failure != null && this.hasSnapshot) {
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
		synchronized (this.lifecycleMonitor) {
			if (this.state != State.STARTING) {
				// stopped meanwhile: stop() cleaned up and completed the future
				return;
			}
			this.state = State.NEW;
			this.startFuture = null;
			subscribed = this.subscription;
			this.subscription = null;
		}
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
		SyncScheduler.Cancellable poll;
		CompletableFuture<Void> starting;
		synchronized (this.lifecycleMonitor) {
			if (this.state == State.STOPPED) {
				return;
			}
			this.state = State.STOPPED;
			subscribed = this.subscription;
			this.subscription = null;
			poll = this.pollTask;
			this.pollTask = null;
			starting = this.startFuture;
		}
		this.trigger.cancel();
		if (poll != null) {
			poll.cancel();
		}
		if (subscribed != null) {
			cancelQuietly(subscribed);
		}
		Refresh inFlight;
		CompletableFuture<Void> waiting;
		synchronized (this) {
			inFlight = this.running;
			waiting = this.queued;
			this.queued = null;
		}
		if (inFlight != null) {
			inFlight.cancelRetry();
		}
		if (waiting != null) {
			waiting.complete(null);
		}
		if (starting != null) {
			starting.complete(null);
		}
		// every apply checks the state under this lock: once we hold it, none is running
		// or can start
		this.applyLock.lock();
		this.applyLock.unlock();
		logger.debug("Stopped sync of topic '{}' at revision {}", this.topic, localRevision());
	}

	/**
	 * Fetch the snapshot and apply it if newer, whatever the revisions say. Joins a
	 * refresh already queued. Allowed before {@link #start()}; a no-op after
	 * {@link #stop()}.
	 * @return a future that completes when the refresh ends, exceptionally if it failed
	 */
	public CompletableFuture<Void> refresh() {
		return requestRefresh(true).copy();
	}

	/**
	 * Apply a snapshot this node produced itself (read your own writes): a node that
	 * publishes applies its write at the new revision, so its own invalidation is dropped
	 * by the gate without a fetch. Applied only if newer than the local revision.
	 * @param snapshot the snapshot just written to the source
	 * @return {@code true} if it was applied
	 */
	public boolean applyLocal(SnapshotEnvelope<T> snapshot) {
		return applyIfNewer(snapshot, null, 0, SyncPhase.APPLY) == ApplyResult.APPLIED;
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
	 * Return the revision of the last applied snapshot.
	 * @return the revision, {@link Revision#ZERO} before the first apply
	 */
	public Revision localRevision() {
		return Revision.of(this.localRevision);
	}

	/**
	 * Return whether a snapshot has been applied.
	 * @return {@code true} after the first apply
	 */
	public boolean hasSnapshot() {
		return this.hasSnapshot;
	}

	/**
	 * Return the highest revision an invalidation has announced and the source has not
	 * failed to deliver within the retry bounds (such an announcement is forgotten).
	 * @return the revision, {@link Revision#ZERO} before the first accepted event
	 */
	public Revision announcedRevision() {
		return Revision.of(this.announced.get().revision);
	}

	/**
	 * Return the options this handle runs with.
	 * @return the options
	 */
	public SyncOptions options() {
		return this.options;
	}

	private CompletableFuture<Void> requestRefresh(boolean forced) {
		Refresh fresh = null;
		CompletableFuture<Void> result;
		boolean coalesced = false;
		synchronized (this) {
			if (this.state == State.STOPPED) {
				return CompletableFuture.completedFuture(null);
			}
			if (this.running == null) {
				fresh = new Refresh();
				this.running = fresh;
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
			}
		}
		if (coalesced) {
			this.listener.onCoalesced(this.topic);
		}
		if (fresh != null) {
			fresh.fetch();
		}
		return result;
	}

	private void refreshEnded() {
		CompletableFuture<Void> next;
		Refresh fresh = null;
		synchronized (this) {
			next = this.queued;
			boolean forced = this.queuedForced;
			this.queued = null;
			this.queuedForced = false;
			this.running = null;
			if (next != null && this.state != State.STOPPED
					&& (forced || Long.compareUnsigned(this.localRevision, this.announced.get().revision) < 0)) {
				fresh = new Refresh(next);
				this.running = fresh;
			}
		}
		if (fresh != null) {
			// a hop, not a call: a provider that completes inline must not grow the stack
			this.scheduler.execute(fresh::fetch);
		}
		else if (next != null) {
			this.listener.onCoalesced(this.topic);
			next.complete(null);
		}
	}

	private ApplyResult applyIfNewer(SnapshotEnvelope<T> snapshot, @Nullable Refresh refresh, int attempt,
			SyncPhase phase) {
		this.applyLock.lock();
		try {
			return applyLocked(snapshot, refresh, attempt, phase);
		}
		finally {
			this.applyLock.unlock();
		}
	}

	/**
	 * Apply the snapshot an event carried inline instead of fetching it: on the apply
	 * executor when there is one (so user code never runs on the thread that delivers
	 * every topic's events; there it waits for an apply under way), else on the
	 * delivering thread (where it never waits: if another apply holds the lock, a refresh
	 * follows instead). If the inline apply fails, a refresh follows as for any event. No
	 * refresh happened for an inline apply, so listeners hear {@code onApplied} but no
	 * {@code onRefresh}.
	 * @return whether the event is handled (else the caller requests a refresh)
	 */
	private boolean applyInline(InvalidationEvent event) {
		SnapshotEnvelope<T> inline;
		try {
			inline = this.provider.inlineSnapshot(event);
		}
		catch (RuntimeException ex) {
			report(SyncPhase.PROTOCOL, ex, event.revision(), 0, false, null);
			return false;
		}
		if (inline == null) {
			return false;
		}
		Executor executor = this.applyExecutor;
		if (executor == null) {
			return applyInlineSnapshot(inline, false);
		}
		Runnable task = () -> {
			if (!applyInlineSnapshot(inline, true)) {
				this.trigger.fire();
			}
		};
		try {
			executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
		return true;
	}

	/**
	 * Apply an inline snapshot; on an apply thread it waits for an apply under way, on
	 * the delivering thread it never does.
	 */
	private boolean applyInlineSnapshot(SnapshotEnvelope<T> inline, boolean mayWait) {
		if (mayWait) {
			this.applyLock.lock();
		}
		else if (!this.applyLock.tryLock()) {
			return false;
		}
		ApplyResult result;
		try {
			result = applyLocked(inline, null, 0, SyncPhase.APPLY);
		}
		finally {
			this.applyLock.unlock();
		}
		// a newer event that came meanwhile is handled by its own inline apply or refresh
		return result != ApplyResult.FAILED;
	}

	private ApplyResult applyLocked(SnapshotEnvelope<T> snapshot, @Nullable Refresh refresh, int attempt,
			SyncPhase phase) {
		if (this.state == State.STOPPED) {
			return ApplyResult.STOPPED;
		}
		long revision = snapshot.revision().longValue();
		long previous = this.localRevision;
		if (phase == SyncPhase.ARCHIVE && this.hasSnapshot) {
			// the source answered while the archive was read: its state wins
			return ApplyResult.SKIPPED;
		}
		if (this.hasSnapshot && Long.compareUnsigned(revision, previous) <= 0) {
			logger.debug("Skipped snapshot of topic '{}' at revision {}: holding {}", this.topic, snapshot.revision(),
					Revision.of(previous));
			return ApplyResult.SKIPPED;
		}
		try {
			this.applier.apply(snapshot);
		}
		catch (Throwable ex) {
			report(phase, ex, snapshot.revision(), attempt, false, null);
			if (refresh != null) {
				refresh.failure = ex;
			}
			return ApplyResult.FAILED;
		}
		// an apply nested in this one (a listener that published and applied its
		// own write) may have moved further already: never go back
		if (!this.hasSnapshot || Long.compareUnsigned(this.localRevision, revision) < 0) {
			this.localRevision = revision;
		}
		this.hasSnapshot = true;
		Announcement announcement = this.announced.get();
		Long timestampMs = (announcement.revision == revision) ? announcement.timestampMs : null;
		if (phase == SyncPhase.ARCHIVE) {
			logger.info("Restored the archived snapshot of topic '{}' at revision {}", this.topic, snapshot.revision());
		}
		else {
			logger.info("Applied snapshot of topic '{}' at revision {}", this.topic, snapshot.revision());
			if (this.localRevision == revision) {
				// not when a nested apply moved further (it archived its own)
				archive(snapshot);
			}
		}
		this.listener.onApplied(this.topic, Revision.of(previous), snapshot.revision(), timestampMs);
		return ApplyResult.APPLIED;
	}

	private void archive(SnapshotEnvelope<T> snapshot) {
		SnapshotArchive<T> target = this.archive;
		if (target == null) {
			return;
		}
		try {
			target.save(this.topic, snapshot).whenComplete((result, failure) -> {
				if (failure != null) {
					report(SyncPhase.ARCHIVE, unwrap(failure), snapshot.revision(), 0, false, null);
				}
			});
		}
		catch (RuntimeException ex) {
			report(SyncPhase.ARCHIVE, ex, snapshot.revision(), 0, false, null);
		}
	}

	/**
	 * Apply the archived snapshot, once per handle, when the source failed or held none
	 * while this handle has none yet.
	 */
	private void restoreFromArchive() {
		SnapshotArchive<T> source = this.archive;
		if (source == null || this.hasSnapshot || !this.restoreTried.compareAndSet(false, true)) {
			return;
		}
		SnapshotEnvelope<T> archived;
		try {
			archived = source.load(this.topic);
		}
		catch (Exception ex) {
			report(SyncPhase.ARCHIVE, ex, null, 0, false, null);
			return;
		}
		if (archived == null) {
			logger.debug("No archived snapshot of topic '{}' to restore", this.topic);
			return;
		}
		applyIfNewer(archived, null, 0, SyncPhase.ARCHIVE);
	}

	/**
	 * The source never delivered an announced revision within the retry bounds: stop
	 * expecting it (it may have been bogus), so later refreshes do not all end as lag.
	 * The next event announces again.
	 */
	private void forgetAnnouncement(long revision) {
		Announcement current = this.announced.get();
		if (current.revision == revision) {
			this.announced.compareAndSet(current, new Announcement(this.localRevision, null));
		}
	}

	private void announce(long revision, @Nullable Long timestampMs) {
		Announcement candidate = null;
		Announcement current = this.announced.get();
		while (Long.compareUnsigned(revision, current.revision) > 0) {
			if (candidate == null) {
				candidate = new Announcement(revision, timestampMs);
			}
			if (this.announced.compareAndSet(current, candidate)) {
				return;
			}
			current = this.announced.get();
		}
	}

	private void schedulePoll() {
		Duration interval = this.options.pollInterval();
		if (interval != null && this.state != State.STOPPED) {
			this.pollTask = this.scheduler.schedule(this::poll, interval);
		}
	}

	private void poll() {
		try {
			if (this.state == State.RUNNING) {
				requestRefresh(true);
			}
		}
		catch (RuntimeException ex) {
			report(SyncPhase.REFRESH, ex, null, 0, false, null);
		}
		finally {
			synchronized (this.lifecycleMonitor) {
				if (this.state == State.RUNNING) {
					schedulePoll();
				}
			}
		}
	}

	private void cancelQuietly(Subscription subscribed) {
		try {
			subscribed.cancel();
		}
		catch (RuntimeException ex) {
			logger.warn("Cancelling the subscription of topic '{}' failed: {}", this.topic, ex.toString());
		}
	}

	private SyncError report(SyncPhase phase, Throwable cause, @Nullable Revision snapshotRevision, int attempt,
			boolean willRetry, @Nullable Duration nextDelay) {
		long announcedRevision = this.announced.get().revision;
		SyncError error = new SyncError(this.topic, phase, cause, localRevision(),
				(announcedRevision != 0) ? Revision.of(announcedRevision) : null, snapshotRevision, attempt, willRetry,
				nextDelay);
		log(error);
		this.listener.onError(error);
		return error;
	}

	private void log(SyncError error) {
		if (!logger.isWarnEnabled()) {
			return;
		}
		long now = this.scheduler.nanoTime();
		int slot = error.phase().ordinal();
		long last = this.lastWarnedNanos[slot];
		boolean warn = last == 0 || now - last >= WARN_INTERVAL_NANOS;
		if (!warn && !logger.isDebugEnabled()) {
			return;
		}
		String retry = error.willRetry() ? "retrying in " + error.nextDelay().toMillis() + " ms" : "not retrying";
		String attempt = (error.attempt() > 0) ? ", attempt " + error.attempt() + ", " + retry : "";
		String message = "Sync of topic '{}' failed in phase {} at local revision {}{}: {}";
		if (warn) {
			this.lastWarnedNanos[slot] = (now != 0) ? now : 1;
			logger.warn(message, this.topic, error.phase(), error.localRevision(), attempt, error.cause().toString());
		}
		else {
			logger.debug(message, this.topic, error.phase(), error.localRevision(), attempt, error.cause().toString());
		}
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
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

	private enum ApplyResult {

		APPLIED, SKIPPED, FAILED, STOPPED

	}

	private record Announcement(long revision, @Nullable Long timestampMs) {

		static final Announcement NONE = new Announcement(0, null);

	}

	/**
	 * One refresh: a fetch, its retries, and the apply.
	 */
	private final class Refresh {

		final CompletableFuture<Void> completion;

		private final long startNanos = SyncHandle.this.scheduler.nanoTime();

		private int attempt;

		private long announcedAtFetch;

		private boolean applied;

		private @Nullable Throwable failure;

		// guarded by SyncHandle.this
		private SyncScheduler.@Nullable Cancellable pendingRetry;

		private boolean finished;

		Refresh() {
			this(new CompletableFuture<>());
		}

		Refresh(CompletableFuture<Void> completion) {
			this.completion = completion;
		}

		void fetch() {
			if (SyncHandle.this.state == State.STOPPED) {
				finish(RefreshOutcome.SKIPPED);
				return;
			}
			this.attempt++;
			// events announced after this point queue a refresh of their own: only what
			// was announced before the fetch left counts as lag
			this.announcedAtFetch = SyncHandle.this.announced.get().revision;
			Thread requester = Thread.currentThread();
			CompletableFuture<@Nullable SnapshotEnvelope<T>> fetched = new CompletableFuture<>();
			fetched.whenComplete((snapshot, failure) -> {
				Executor applyExecutor = SyncHandle.this.applyExecutor;
				if (applyExecutor != null && (Thread.currentThread() == requester || failure != null)) {
					// completed before we could wait for it, or failed (on an I/O thread,
					// or on the scheduler by the timeout; a failure may restore the
					// archive): never apply on the thread that asked, an I/O thread or
					// the
					// shared scheduler
					handOff(applyExecutor, () -> fetched(snapshot, failure));
				}
				else {
					fetched(snapshot, failure);
				}
			});
			try {
				CompletableFuture<@Nullable SnapshotEnvelope<T>> source = Objects.requireNonNull(
						SyncHandle.this.provider.fetch(SyncHandle.this.topic, localRevision()),
						"snapshot provider returned no future");
				SyncScheduler.Cancellable timeout = SyncHandle.this.scheduler.schedule(
						() -> fetched
							.completeExceptionally(new TimeoutException("fetch of topic '" + SyncHandle.this.topic
									+ "' took longer than " + SyncHandle.this.options.fetchTimeout())),
						SyncHandle.this.options.fetchTimeout());
				source.whenComplete((snapshot, failure) -> {
					timeout.cancel();
					if (failure != null) {
						fetched.completeExceptionally(failure);
					}
					else {
						fetched.complete(snapshot);
					}
				});
			}
			catch (RuntimeException ex) {
				fetched.completeExceptionally(ex);
			}
		}

		private void handOff(Executor executor, Runnable task) {
			try {
				executor.execute(task);
			}
			catch (RejectedExecutionException ex) {
				// shutting down: finish here rather than never
				task.run();
			}
		}

		private void fetched(@Nullable SnapshotEnvelope<T> snapshot, @Nullable Throwable failure) {
			try {
				if (SyncHandle.this.state == State.STOPPED) {
					finish(RefreshOutcome.SKIPPED);
					return;
				}
				if (failure != null || snapshot == null) {
					restoreFromArchive();
				}
				if (failure != null) {
					Throwable cause = unwrap(failure);
					if (cause instanceof ProtocolException) {
						// the source holds a bad snapshot: asking again now would get the
						// same
						report(SyncPhase.PROTOCOL, cause, null, this.attempt, false, null);
						this.failure = cause;
						finish(RefreshOutcome.FAILED);
					}
					else {
						retryOrFinish(cause, null);
					}
					return;
				}
				Revision snapshotRevision = localRevision();
				if (snapshot != null) {
					snapshotRevision = snapshot.revision();
					switch (applyIfNewer(snapshot, this, this.attempt, SyncPhase.APPLY)) {
						case APPLIED -> this.applied = true;
						case FAILED -> {
							finish(RefreshOutcome.FAILED);
							return;
						}
						case STOPPED -> {
							finish(RefreshOutcome.SKIPPED);
							return;
						}
						case SKIPPED -> {
						}
					}
				}
				if (Long.compareUnsigned(SyncHandle.this.localRevision, this.announcedAtFetch) < 0) {
					retryOrFinish(new SnapshotLagException(SyncHandle.this.topic, snapshotRevision,
							Revision.of(this.announcedAtFetch)), snapshotRevision);
					return;
				}
				finish(this.applied ? RefreshOutcome.APPLIED : RefreshOutcome.SKIPPED);
			}
			catch (RuntimeException ex) {
				report(SyncPhase.REFRESH, ex, null, this.attempt, false, null);
				this.failure = ex;
				finish(RefreshOutcome.FAILED);
			}
		}

		private void retryOrFinish(Throwable cause, @Nullable Revision snapshotRevision) {
			RetryPolicy retry = SyncHandle.this.options.retry();
			boolean willRetry = retry.canRetry(this.attempt) && SyncHandle.this.state != State.STOPPED;
			Duration delay = willRetry ? retry.delay(this.attempt, SyncHandle.this.random) : null;
			SyncError error = report(SyncPhase.FETCH, cause, snapshotRevision, this.attempt, willRetry, delay);
			if (!willRetry) {
				if (cause instanceof SnapshotLagException) {
					forgetAnnouncement(this.announcedAtFetch);
				}
				this.failure = cause;
				finish(this.applied ? RefreshOutcome.APPLIED : RefreshOutcome.FAILED);
				return;
			}
			SyncHandle.this.listener.onRetry(SyncHandle.this.topic, error);
			synchronized (SyncHandle.this) {
				this.pendingRetry = SyncHandle.this.scheduler.schedule(this::retry, delay);
			}
		}

		private void retry() {
			synchronized (SyncHandle.this) {
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
			synchronized (SyncHandle.this) {
				pending = this.pendingRetry;
				this.pendingRetry = null;
			}
			if (pending != null) {
				pending.cancel();
				finish(RefreshOutcome.SKIPPED);
			}
		}

		private void finish(RefreshOutcome outcome) {
			synchronized (SyncHandle.this) {
				if (this.finished) {
					return;
				}
				this.finished = true;
			}
			SyncHandle.this.listener.onRefresh(SyncHandle.this.topic, outcome,
					SyncHandle.this.scheduler.nanoTime() - this.startNanos);
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
	 * What the subscriber calls.
	 */
	private final class Events implements InvalidationListener {

		@Override
		public void onInvalidation(InvalidationEvent event) {
			State current = SyncHandle.this.state;
			if (current == State.NEW || current == State.STOPPED) {
				return;
			}
			String topic = SyncHandle.this.topic;
			if (!topic.equals(event.topic())) {
				// a peer or a shared channel gone wrong: never apply, always tell
				SyncHandle.this.listener.onInvalidation(topic, InvalidationOutcome.INVALID);
				report(SyncPhase.PROTOCOL, new ProtocolException(
						"invalidation event for topic '" + event.topic() + "' was delivered to topic '" + topic + "'"),
						null, 0, false, null);
				return;
			}
			long revision = event.revision().longValue();
			if (Long.compareUnsigned(revision, SyncHandle.this.localRevision) <= 0) {
				if (logger.isDebugEnabled()) {
					logger.debug("Dropped invalidation of topic '{}' at revision {}: holding {}", topic,
							event.revision(), localRevision());
				}
				SyncHandle.this.listener.onInvalidation(topic, InvalidationOutcome.STALE);
				return;
			}
			Predicate<InvalidationEvent> filter = SyncHandle.this.refreshFilter;
			if (filter != null) {
				boolean wanted;
				try {
					wanted = filter.test(event);
				}
				catch (RuntimeException ex) {
					report(SyncPhase.INVALIDATION, ex, null, 0, false, null);
					wanted = false;
				}
				if (!wanted) {
					logger.debug("Filtered invalidation of topic '{}' at revision {}", topic, event.revision());
					SyncHandle.this.listener.onInvalidation(topic, InvalidationOutcome.FILTERED);
					return;
				}
			}
			announce(revision, event.timestampMs());
			SyncHandle.this.listener.onInvalidation(topic, InvalidationOutcome.ACCEPTED);
			if (event.data() != null && applyInline(event)) {
				return;
			}
			SyncHandle.this.trigger.fire();
		}

		@Override
		public void onProtocolError(ProtocolException error) {
			State current = SyncHandle.this.state;
			if (current == State.NEW || current == State.STOPPED) {
				return;
			}
			SyncHandle.this.listener.onInvalidation(SyncHandle.this.topic, InvalidationOutcome.INVALID);
			report(SyncPhase.PROTOCOL, error, null, 0, false, null);
		}

		@Override
		public void onResync() {
			if (SyncHandle.this.state == State.RUNNING || SyncHandle.this.state == State.STARTING) {
				logger.debug("Resyncing topic '{}' from revision {}: events may have been lost", SyncHandle.this.topic,
						localRevision());
				requestRefresh(true);
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

		private @Nullable Executor applyExecutor;

		private RandomGenerator random = ThreadLocalRandom.current();

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
		 * there, and it is applied when the source fails, or holds no snapshot, before
		 * the handle has one (tried once per handle). A handle restored from its archive
		 * counts as started even with {@link SyncOptions#failStartOnError()}.
		 * @param archive the archive
		 * @return this builder
		 */
		public Builder<T> archive(SnapshotArchive<T> archive) {
			this.archive = Objects.requireNonNull(archive, "archive must not be null");
			return this;
		}

		/**
		 * Set where a fetched snapshot is applied when its fetch completed before the
		 * handle could wait for it. A fetched snapshot is applied on the thread that
		 * completes the provider's future; a provider that completes on an executor of
		 * its own (to keep decoding and applying off I/O threads) should name the same
		 * executor here, so that no apply ever runs on the thread that asked for the
		 * fetch: an event delivery thread or the shared scheduler. Default: none, apply
		 * right there.
		 * @param applyExecutor the executor
		 * @return this builder
		 */
		public Builder<T> applyExecutor(Executor applyExecutor) {
			this.applyExecutor = Objects.requireNonNull(applyExecutor, "applyExecutor must not be null");
			return this;
		}

		/**
		 * Set the source of retry jitter (default {@link ThreadLocalRandom}).
		 * @param random the random generator
		 * @return this builder
		 */
		public Builder<T> random(RandomGenerator random) {
			this.random = Objects.requireNonNull(random, "random must not be null");
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
