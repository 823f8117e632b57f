package io.github.statesync.boot.reconcile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.StateSyncLifecycle;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncScheduler;
import io.github.statesync.core.engine.TopicStatus;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.context.SmartLifecycle;

/**
 * Repairs lost invalidations: every interval (each period drawn at random between half
 * and one and a half times it, so a fleet does not read in lockstep) it reads the
 * revision of every topic this node follows from the store, in one batched read, and
 * refreshes only the topics the store shows it missed.
 * <ul>
 * <li>The store holds a newer revision than this node holds and than any invalidation
 * announced: an invalidation was lost (a half-open pub/sub connection, a message dropped
 * in a fail-over, a writer that stored but did not publish). After a short grace (at most
 * a second, so an invalidation merely in flight is not taken for lost) the topic is
 * refreshed, the repair is counted ({@code statesync.reconcile.repairs}) and logged at
 * WARN, at most {@value #MAX_WARNINGS_PER_RUN} lines a run.</li>
 * <li>The store holds an older revision than this node, or none while this node holds a
 * snapshot: the store regressed or lost the topic. The topic is refreshed once per
 * change, so that the engine's regression check reports it (phase {@code REGRESSION});
 * this is not counted as a repair.</li>
 * </ul>
 * Topics whose snapshots come over HTTP are reconciled too, since their invalidations and
 * revisions travel through the store: one found behind is refreshed with a conditional
 * request ({@code If-None-Match}) to its owner. The owner, not the store, is their
 * source, so a revision missing or older in the store is ignored for them. Starts after
 * {@link StateSyncLifecycle} and stops before it.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class TopicReconciler implements SmartLifecycle {

	/**
	 * The phase: just after {@link StateSyncLifecycle#PHASE}, so reconciliation starts
	 * once every topic started, and stops before they stop.
	 */
	public static final int PHASE = StateSyncLifecycle.PHASE + 1;

	/** The most repairs logged one by one in a run; more are summed up in one line. */
	static final int MAX_WARNINGS_PER_RUN = 10;

	private static final Duration MAX_GRACE = Duration.ofSeconds(1);

	private static final Duration MIN_READ_TIMEOUT = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(TopicReconciler.class);

	private final SyncedTopicRegistry registry;

	private final TopicRevisions revisions;

	private final String storeName;

	private final TopicStatistics statistics;

	private final SyncScheduler scheduler;

	private final Duration interval;

	private final Duration grace;

	private final Duration readTimeout;

	private final AtomicBoolean running = new AtomicBoolean();

	private final AtomicBoolean failing = new AtomicBoolean();

	/**
	 * What was done last about a topic found out of step with the store, so that a repair
	 * is counted, and a regression checked, once per stored revision.
	 */
	private final Map<String, Nudge> nudged = new ConcurrentHashMap<>();

	private volatile SyncScheduler.@Nullable Cancellable next;

	/**
	 * Create a reconciler.
	 * @param registry the topics this node follows
	 * @param revisions reads the topics' revisions from the store
	 * @param storeName the store's name in log lines, for example {@code Redis}
	 * @param statistics counts runs and repairs
	 * @param scheduler runs the reconciliation (the scheduler every handle shares)
	 * @param interval the mean time between runs; zero or negative turns reconciliation
	 * off
	 */
	public TopicReconciler(SyncedTopicRegistry registry, TopicRevisions revisions, String storeName,
			TopicStatistics statistics, SyncScheduler scheduler, Duration interval) {
		this.registry = registry;
		this.revisions = revisions;
		this.storeName = storeName;
		this.statistics = statistics;
		this.scheduler = scheduler;
		this.interval = interval;
		Duration half = interval.dividedBy(2);
		this.grace = (half.compareTo(MAX_GRACE) < 0) ? half : MAX_GRACE;
		this.readTimeout = (interval.compareTo(MIN_READ_TIMEOUT) > 0) ? interval : MIN_READ_TIMEOUT;
	}

	/**
	 * Return whether reconciliation is on (its interval is positive).
	 * @return {@code true} if it runs while the application runs
	 */
	public boolean isEnabled() {
		return !this.interval.isNegative() && !this.interval.isZero();
	}

	@Override
	public void start() {
		if (!isEnabled()) {
			logger.info("Reconciliation is off (statesync.reconcile-interval={}): a lost invalidation is repaired "
					+ "only by the topic's next write or poll", this.interval);
			return;
		}
		if (this.running.compareAndSet(false, true)) {
			logger.debug("Reconciling topics with {} every {} (jittered)", this.storeName, this.interval);
			scheduleNext();
		}
	}

	@Override
	public void stop() {
		if (this.running.compareAndSet(true, false)) {
			SyncScheduler.Cancellable task = this.next;
			if (task != null) {
				task.cancel();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running.get();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void scheduleNext() {
		long nanos = this.interval.toNanos();
		// each period at random in [0.5, 1.5) x interval: nodes drift apart rather than
		// reading the store in lockstep
		long delay = ThreadLocalRandom.current().nextLong(nanos / 2, nanos + nanos / 2 + 1);
		try {
			this.next = this.scheduler.schedule(this::run, Duration.ofNanos(delay));
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Reconciliation stops: the scheduler is shut down");
			return;
		}
		if (!this.running.get()) {
			SyncScheduler.Cancellable task = this.next;
			if (task != null) {
				task.cancel();
			}
		}
	}

	/**
	 * One run: read every followed topic's revision, compare, schedule the next run.
	 */
	void run() {
		if (!this.running.get()) {
			return;
		}
		Map<String, Followed> followed = new LinkedHashMap<>();
		for (SyncHandle<JsonNode> handle : this.registry.handles()) {
			TopicSettings settings = this.registry.settings(handle.topic());
			if (handle.state() == SyncHandle.State.RUNNING && settings != null) {
				followed.put(handle.topic(), new Followed(handle, settings.restUrl() != null));
			}
		}
		if (followed.isEmpty()) {
			scheduleNext();
			return;
		}
		long started = this.scheduler.nanoTime();
		CompletableFuture<Map<String, Revision>> read;
		try {
			read = this.revisions.revisions(followed.keySet());
		}
		catch (RuntimeException ex) {
			read = CompletableFuture.failedFuture(ex);
		}
		read.orTimeout(this.readTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((stored, failure) -> {
			try {
				// compare on the scheduler, never on the store client's I/O thread
				this.scheduler.execute(() -> compare(followed, stored, failure, started));
			}
			catch (RejectedExecutionException ex) {
				logger.debug("Reconciliation stops: the scheduler is shut down");
			}
		});
	}

	private void compare(Map<String, Followed> followed, @Nullable Map<String, Revision> stored,
			@Nullable Throwable failure, long started) {
		try {
			if (failure != null || stored == null) {
				this.statistics.onReconcileRun(this.scheduler.nanoTime() - started, false);
				if (!this.failing.getAndSet(true)) {
					logger.warn("Reconciliation could not read the revisions of {} topics from {}: {}; trying again "
							+ "every {}", followed.size(), this.storeName, describe(failure), this.interval);
				}
				return;
			}
			if (this.failing.getAndSet(false)) {
				logger.info("Reconciliation reads the revisions of {} topics from {} again", followed.size(),
						this.storeName);
			}
			List<Behind> behind = new ArrayList<>();
			followed.forEach((topic, candidate) -> {
				Behind found = check(candidate, stored.get(topic));
				if (found != null) {
					behind.add(found);
				}
			});
			this.statistics.onReconcileRun(this.scheduler.nanoTime() - started, true);
			if (!behind.isEmpty()) {
				// an invalidation merely in flight is not lost: give it a moment
				this.scheduler.schedule(() -> repair(behind), this.grace);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Reconciliation failed: {}", ex.toString());
		}
		finally {
			if (this.running.get()) {
				scheduleNext();
			}
		}
	}

	private @Nullable Behind check(Followed followed, @Nullable Revision stored) {
		SyncHandle<JsonNode> handle = followed.handle();
		String topic = handle.topic();
		Revision local = handle.localRevision();
		if (followed.overHttp() && (stored == null || stored.compareTo(local) <= 0)) {
			// the owning service is the source of such a topic: only a newer revision
			// announced through the store says it missed one
			return null;
		}
		if (stored == null) {
			if (handle.hasSnapshot()) {
				// the store lost the topic: the fetch reports it
				// (SnapshotMissingException)
				if (nudge(topic, new Nudge(Kind.MISSING, null))) {
					logger.debug("Topic '{}' is at revision {}, {} holds no revision: checking its snapshot", topic,
							local, this.storeName);
					handle.refresh();
				}
			}
			else {
				this.nudged.remove(topic);
			}
			return null;
		}
		if (stored.compareTo(max(local, handle.announcedRevision())) > 0) {
			return new Behind(handle, stored);
		}
		if (stored.compareTo(local) < 0) {
			// the store went back: the refresh lets the engine's regression check report
			// it, and follow or hold it as the topic's policy says
			if (nudge(topic, new Nudge(Kind.OLDER, stored))) {
				logger.debug("Topic '{}' is at revision {}, {} holds the older {}: checking its snapshot", topic, local,
						this.storeName, stored);
				handle.refresh();
			}
			return null;
		}
		this.nudged.remove(topic);
		if (handle.status().status() == TopicStatus.STALE) {
			// stale because its fetches failed (or its applier refused): the source
			// may be back, and only a fetch that succeeds ends the staleness
			handle.refresh();
		}
		return null;
	}

	private void repair(List<Behind> behind) {
		int logged = 0;
		int unlogged = 0;
		for (Behind candidate : behind) {
			SyncHandle<JsonNode> handle = candidate.handle();
			String topic = handle.topic();
			Revision local = handle.localRevision();
			if (!this.running.get() || handle.state() != SyncHandle.State.RUNNING
					|| candidate.stored().compareTo(max(local, handle.announcedRevision())) <= 0) {
				// its invalidation arrived after all
				continue;
			}
			handle.refresh();
			if (nudge(topic, new Nudge(Kind.NEWER, candidate.stored()))) {
				this.statistics.onReconcileRepair(topic);
				if (logged < MAX_WARNINGS_PER_RUN) {
					logged++;
					logger.warn("Topic '{}' was at revision {}, {} holds {}: an invalidation was lost; repaired by a "
							+ "refresh", topic, local, this.storeName, candidate.stored());
				}
				else {
					unlogged++;
				}
			}
		}
		if (unlogged > 0) {
			logger.warn("... and {} more topics were behind {} and were refreshed: invalidations are being lost",
					unlogged, this.storeName);
		}
	}

	private boolean nudge(String topic, Nudge nudge) {
		return !nudge.equals(this.nudged.put(topic, nudge));
	}

	private static Revision max(Revision a, Revision b) {
		return (a.compareTo(b) >= 0) ? a : b;
	}

	private static String describe(@Nullable Throwable failure) {
		Throwable cause = failure;
		while (cause != null && cause.getCause() != null
				&& (cause instanceof java.util.concurrent.CompletionException)) {
			cause = cause.getCause();
		}
		return (cause != null) ? cause.toString() : "no answer";
	}

	private enum Kind {

		NEWER, OLDER, MISSING

	}

	private record Nudge(Kind kind, @Nullable Revision stored) {

	}

	private record Followed(SyncHandle<JsonNode> handle, boolean overHttp) {

	}

	private record Behind(SyncHandle<JsonNode> handle, Revision stored) {

	}

}
