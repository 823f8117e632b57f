package io.github.statesync.core.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotApplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revision gate of one handle, and the one place its snapshots are applied: it holds
 * the local revision, whether a snapshot was applied, and the highest revision an event
 * announced, and applies a snapshot only if it is newer, one at a time under the apply
 * lock (re-entrant, so an applier may apply its own write). It also decides where applies
 * run ({@link #runOnApplyThread}, {@link #runDelivered}): on the handle's
 * {@link SyncScheduler}, never on the thread that completed a fetch or delivered an
 * event, unless the handle applies on the delivering thread ({@link ApplyOn}), which this
 * class guards. It exists so that the gate's fields change in one class, whatever asked
 * for the apply.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 */
final class RevisionGate<T> {

	private static final Logger logger = LoggerFactory.getLogger(SyncHandle.class);

	private static final VarHandle PENDING_INLINE;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			PENDING_INLINE = lookup.findVarHandle(RevisionGate.class, "pendingInline", SnapshotEnvelope.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final long DELIVERING_THREAD_BUDGET_NANOS = TimeUnit.MILLISECONDS
		.toNanos(SyncOptions.DELIVERING_THREAD_BUDGET_MILLIS);

	private final String topic;

	private final SnapshotApplier<T> applier;

	private final SyncScheduler scheduler;

	private final SyncListener listener;

	private final ErrorReporter reporter;

	private final LastKnownGood<T> lastKnownGood;

	private final HandleView handle;

	private final StatusTracker status;

	private final ReentrantLock applyLock = new ReentrantLock();

	private final boolean onDeliveringThread;

	// set once when the guard trips: applies go to the scheduler for good
	private volatile boolean fellBack;

	// guarded by applyLock
	private int strikes;

	private volatile long localRevision;

	private volatile boolean hasSnapshot;

	// whether the snapshot held came from the last-known-good archive, not the source
	private volatile boolean onArchive;

	// the highest announced revision (0 before the first), and the writer's timestamp
	// that
	// came with it: written under this (two fields, not an object per announcement), the
	// revision read without it
	private volatile long announcedRevision;

	private @Nullable Long announcedTimestampMs;

	// the newest inline snapshot not applied yet; while one waits, a task to apply it is
	// on the scheduler, so a burst of inline events takes at most two scheduler threads
	// set through PENDING_INLINE
	private volatile @Nullable SnapshotEnvelope<T> pendingInline;

	RevisionGate(String topic, SnapshotApplier<T> applier, SyncScheduler scheduler, SyncListener listener,
			ErrorReporter reporter, LastKnownGood<T> lastKnownGood, HandleView handle, StatusTracker status,
			ApplyOn applyOn) {
		this.topic = topic;
		this.onDeliveringThread = applyOn == ApplyOn.DELIVERING_THREAD;
		this.applier = applier;
		this.scheduler = scheduler;
		this.listener = listener;
		this.reporter = reporter;
		this.lastKnownGood = lastKnownGood;
		this.handle = handle;
		this.status = status;
	}

	/**
	 * Run a task that applies on the handle's scheduler.
	 * @param task the task
	 * @return {@code false} if the scheduler refused it (it was shut down): the task did
	 * not run and never will
	 */
	boolean runOnApplyThread(Runnable task) {
		try {
			this.scheduler.execute(task);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	/**
	 * Run a task that applies a snapshot just delivered (a fetched one, or one an event
	 * carried inline): on this thread if the handle applies on the delivering thread,
	 * already holds a snapshot (the first apply, cold, runs on the scheduler), the guard
	 * has not tripped and no other apply of the topic runs (this thread never waits for
	 * one); else on the scheduler. On this thread the task runs under the apply lock, and
	 * its duration counts for the guard.
	 * @param task the task
	 * @return {@code false} if the scheduler refused it (it was shut down): the task did
	 * not run and never will
	 */
	boolean runDelivered(Runnable task) {
		if (!this.onDeliveringThread || this.fellBack || !this.hasSnapshot || !this.applyLock.tryLock()) {
			return runOnApplyThread(task);
		}
		try {
			long started = this.scheduler.nanoTime();
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				// the tasks report their own failures; this thread is not the place to
				// end
				logger.warn("Apply task of topic '{}' failed on the delivering thread: {}", this.topic, ex.toString());
			}
			long took = this.scheduler.nanoTime() - started;
			if (took > DELIVERING_THREAD_BUDGET_NANOS) {
				slowOnDeliveringThread(took);
			}
		}
		finally {
			this.applyLock.unlock();
		}
		return true;
	}

	private void slowOnDeliveringThread(long took) {
		if (++this.strikes < SyncOptions.DELIVERING_THREAD_STRIKES) {
			logger.debug("Apply of topic '{}' took {} ms on the delivering thread (strike {} of {})", this.topic,
					TimeUnit.NANOSECONDS.toMillis(took), this.strikes, SyncOptions.DELIVERING_THREAD_STRIKES);
			return;
		}
		this.fellBack = true;
		logger.warn(
				"Topic '{}' applies on the delivering thread, but {} of its applies took longer than {} ms there "
						+ "(the last: {} ms), which stalls every topic that thread delivers: its applier or a listener "
						+ "blocks. Its applies run on the scheduler from now on; make them non-blocking, or set the "
						+ "topic's apply-on to scheduler (the default)",
				this.topic, this.strikes, SyncOptions.DELIVERING_THREAD_BUDGET_MILLIS,
				TimeUnit.NANOSECONDS.toMillis(took));
		this.listener.onApplyFallback(this.topic, took);
	}

	/**
	 * Return whether the guard of {@link ApplyOn#DELIVERING_THREAD} tripped: the handle
	 * applies on the scheduler for good.
	 * @return {@code true} after the guard tripped
	 */
	boolean fellBack() {
		return this.fellBack;
	}

	/**
	 * Apply the snapshot if it is newer than the local one (the first one always is), on
	 * the calling thread, waiting for an apply under way.
	 * @param snapshot the snapshot
	 * @param phase {@link SyncPhase#APPLY}, or {@link SyncPhase#ARCHIVE} for a
	 * last-known-good snapshot, which applies only while the handle holds none
	 * @param attempt the fetch attempt that read the snapshot, {@code 0} if none
	 * @param onFailure told what the applier threw, after it was reported
	 * @return what happened
	 */
	Result apply(SnapshotEnvelope<T> snapshot, SyncPhase phase, int attempt, @Nullable Consumer<Throwable> onFailure) {
		this.applyLock.lock();
		try {
			return applyLocked(snapshot, phase, attempt, onFailure, false);
		}
		finally {
			this.applyLock.unlock();
		}
	}

	/**
	 * Apply a snapshot of a source that regressed, older than the local one, on the
	 * calling thread: the local revision goes back to the source's, and so does the
	 * highest announced revision (what was announced above it is gone from the source).
	 * Skipped if the local revision moved since the regression was confirmed.
	 * @param snapshot the source's snapshot
	 * @param confirmedAt the local revision the regression was confirmed against
	 * @param attempt the fetch attempt that read the snapshot
	 * @param onFailure told what the applier threw, after it was reported
	 * @return what happened
	 */
	Result follow(SnapshotEnvelope<T> snapshot, long confirmedAt, int attempt,
			@Nullable Consumer<Throwable> onFailure) {
		this.applyLock.lock();
		try {
			if (this.localRevision != confirmedAt) {
				return Result.SKIPPED;
			}
			Result result = applyLocked(snapshot, SyncPhase.APPLY, attempt, onFailure, true);
			if (result == Result.APPLIED) {
				synchronized (this) {
					this.announcedRevision = snapshot.revision().longValue();
					this.announcedTimestampMs = null;
				}
				// what was announced above the source's revision is gone from it
				this.status.caughtUp(false);
			}
			return result;
		}
		finally {
			this.applyLock.unlock();
		}
	}

	/**
	 * Apply a snapshot an event carried inline, on the scheduler: it waits there for an
	 * apply under way, never on the delivering thread (which applies it itself only as
	 * {@link #runDelivered} allows). Of several inline snapshots that wait, only the
	 * newest is applied. No refresh happens for an inline apply, so listeners hear
	 * {@code onApplied} but no {@code onRefresh}.
	 * @param inline the snapshot
	 * @param fallback run (on the scheduler) if the apply fails, or (here) if the
	 * scheduler refuses the task: a refresh then fetches the snapshot instead
	 */
	void applyInline(SnapshotEnvelope<T> inline, Runnable fallback) {
		SnapshotEnvelope<T> waiting;
		while (true) {
			waiting = this.pendingInline;
			SnapshotEnvelope<T> next = (waiting == null || isNewer(inline, waiting)) ? inline : waiting;
			if (next == waiting || PENDING_INLINE.compareAndSet(this, waiting, next)) {
				break;
			}
		}
		if (waiting != null) {
			// a task is on its way and applies the newest
			return;
		}
		if (!runDelivered(() -> applyPendingInline(fallback))) {
			this.pendingInline = null;
			fallback.run();
		}
	}

	private void applyPendingInline(Runnable fallback) {
		Result result;
		this.applyLock.lock();
		try {
			// taken under the lock: an event that comes while this waits joins this task
			@SuppressWarnings("unchecked")
			SnapshotEnvelope<T> inline = (SnapshotEnvelope<T>) PENDING_INLINE.getAndSet(this, null);
			if (inline == null) {
				return;
			}
			result = applyLocked(inline, SyncPhase.APPLY, 0, null, false);
		}
		finally {
			this.applyLock.unlock();
		}
		// a newer event that came meanwhile is handled by its own inline apply or refresh
		if (result == Result.FAILED) {
			fallback.run();
		}
	}

	private static boolean isNewer(SnapshotEnvelope<?> candidate, SnapshotEnvelope<?> current) {
		return Long.compareUnsigned(candidate.revision().longValue(), current.revision().longValue()) > 0;
	}

	private Result applyLocked(SnapshotEnvelope<T> snapshot, SyncPhase phase, int attempt,
			@Nullable Consumer<Throwable> onFailure, boolean follow) {
		if (this.handle.isStopped()) {
			return Result.STOPPED;
		}
		long revision = snapshot.revision().longValue();
		long previous = this.localRevision;
		if (phase == SyncPhase.ARCHIVE && this.hasSnapshot) {
			// the source answered while the archive was read: its state wins
			return Result.SKIPPED;
		}
		// an archived snapshot never outranks the source: whatever revision the file
		// claims (planted, or copied from another environment), the first snapshot the
		// source gives replaces it
		boolean replacesArchive = this.onArchive && phase != SyncPhase.ARCHIVE;
		if (this.hasSnapshot && !follow && Long.compareUnsigned(revision, previous) <= 0
				&& !(replacesArchive && revision != previous)) {
			if (replacesArchive) {
				// the source holds the archived revision: the node now runs on the source
				this.onArchive = false;
				this.status.changed();
			}
			logger.debug("Skipped snapshot of topic '{}' at revision {}: holding {}", this.topic, snapshot.revision(),
					Revision.of(previous));
			return Result.SKIPPED;
		}
		try {
			this.applier.apply(snapshot);
		}
		catch (Throwable ex) {
			this.reporter.report(Failure.of(phase, ex).snapshot(snapshot.revision()).attempt(attempt));
			if (phase == SyncPhase.APPLY) {
				this.status.applyFailed(revision, ex);
			}
			if (onFailure != null) {
				onFailure.accept(ex);
			}
			return Result.FAILED;
		}
		// an apply nested in this one (a listener that published and applied its own
		// write) may have moved further already: never go back
		boolean back = follow || replacesArchive;
		if (!this.hasSnapshot || Long.compareUnsigned(this.localRevision, revision) < 0
				|| (back && this.localRevision == previous)) {
			this.localRevision = revision;
		}
		this.hasSnapshot = true;
		this.onArchive = phase == SyncPhase.ARCHIVE;
		Long timestampMs;
		synchronized (this) {
			timestampMs = (this.announcedRevision == revision) ? this.announcedTimestampMs : null;
		}
		if (phase == SyncPhase.ARCHIVE) {
			logger.info("Restored the archived snapshot of topic '{}' at revision {}", this.topic, snapshot.revision());
		}
		else {
			logger.info("Applied snapshot of topic '{}' at revision {}", this.topic, snapshot.revision());
			if (this.localRevision == revision) {
				// not when a nested apply moved further (it archived its own)
				this.lastKnownGood.save(snapshot);
			}
		}
		this.listener.onApplied(this.topic, Revision.of(previous), snapshot.revision(), timestampMs);
		this.status.applied(this.localRevision);
		return Result.APPLIED;
	}

	/**
	 * Wait until no apply runs. Called once the handle is stopped: every apply checks
	 * that under the lock, so once this returns none runs or can start.
	 */
	void awaitApplies() {
		this.applyLock.lock();
		this.applyLock.unlock();
	}

	long localRevision() {
		return this.localRevision;
	}

	boolean hasSnapshot() {
		return this.hasSnapshot;
	}

	/**
	 * Return whether the snapshot held was restored from the archive and the source has
	 * not given one since.
	 * @return {@code true} while the handle runs on its archived snapshot
	 */
	boolean onArchive() {
		return this.onArchive;
	}

	long announcedRevision() {
		return this.announcedRevision;
	}

	/**
	 * Return whether the local revision is behind the given announced one.
	 * @param announcedRevision an announced revision
	 * @return {@code true} if the local revision is lower
	 */
	boolean isBehind(long announcedRevision) {
		return Long.compareUnsigned(this.localRevision, announcedRevision) < 0;
	}

	/**
	 * An event announced a revision: remember it if it is the highest yet.
	 * @param revision the announced revision
	 * @param timestampMs the writer's timestamp, if the event had one
	 */
	void announce(long revision, @Nullable Long timestampMs) {
		if (Long.compareUnsigned(revision, this.announcedRevision) <= 0) {
			return;
		}
		synchronized (this) {
			if (Long.compareUnsigned(revision, this.announcedRevision) <= 0) {
				return;
			}
			this.announcedRevision = revision;
			this.announcedTimestampMs = timestampMs;
		}
		this.status.known(revision);
	}

	/**
	 * The source never delivered an announced revision within the retry bounds: stop
	 * expecting it (it may have been bogus), so later refreshes do not all end as lag.
	 * The next event announces again.
	 * @param revision the revision announced when the fetch left
	 */
	void forgetAnnouncement(long revision) {
		synchronized (this) {
			if (this.announcedRevision == revision) {
				this.announcedRevision = this.localRevision;
				this.announcedTimestampMs = null;
			}
		}
	}

	/**
	 * What an apply did.
	 */
	enum Result {

		APPLIED, SKIPPED, FAILED, STOPPED

	}

}
