package io.github.statesync.boot.statistics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import io.github.statesync.boot.support.Credentials;
import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * The one listener that counts what the engine reports, per topic: the Actuator endpoint
 * and the health contributor read these counts (memory only, never the network), and the
 * Micrometer meters are fed from here too, through a {@link Recorder} per topic, so every
 * event is received, looked up and dispatched in one place. Always on, Micrometer or not.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class TopicStatistics implements SyncListener {

	private static final Recorder NO_RECORDER = new Recorder() {
	};

	private final Clock clock;

	private final Map<String, Topic> topics = new ConcurrentHashMap<>();

	private volatile Function<String, Recorder> recorders = (topic) -> NO_RECORDER;

	private final Reconciliation reconciliation = new Reconciliation();

	private volatile ReconcileRecorder reconcileRecorder = (durationNanos, succeeded) -> {
	};

	/**
	 * Create statistics.
	 * @param clock the clock for the times of applies and errors
	 */
	public TopicStatistics(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Return the statistics of a topic.
	 * @param topic the topic
	 * @return its statistics, empty if nothing happened yet
	 */
	public Topic topic(String topic) {
		return this.topics.computeIfAbsent(topic, (name) -> new Topic(this.recorders.apply(name)));
	}

	/**
	 * Feed every topic's events, from now on, to a recorder too: the recorders of topics
	 * already known are made at once, the others on their first event.
	 * @param recorders makes the recorder of a topic, once per topic
	 */
	public void recordWith(Function<String, Recorder> recorders) {
		this.recorders = recorders;
		this.topics.forEach((name, topic) -> topic.recorder = recorders.apply(name));
	}

	/**
	 * Feed every reconcile run, from now on, to a recorder too.
	 * @param recorder told of every run
	 */
	public void recordReconcileRunsWith(ReconcileRecorder recorder) {
		this.reconcileRecorder = recorder;
	}

	/**
	 * Count a reconcile run: one read of every followed topic's revision from the store.
	 * @param durationNanos how long the read and the comparison took
	 * @param succeeded whether the store answered
	 */
	public void onReconcileRun(long durationNanos, boolean succeeded) {
		(succeeded ? this.reconciliation.runs : this.reconciliation.failedRuns).increment();
		this.reconciliation.lastRun = this.clock.instant();
		this.reconcileRecorder.run(durationNanos, succeeded);
	}

	/**
	 * Count a repair: reconciliation found the store holding a newer revision of a topic
	 * than this node, and no invalidation announcing it had arrived.
	 * @param topic the topic
	 */
	public void onReconcileRepair(String topic) {
		Topic stats = topic(topic);
		stats.increment(Topic.REPAIRS);
		stats.recorder.reconcileRepair();
	}

	/**
	 * Return what reconciliation did on this node.
	 * @return the counts of reconcile runs
	 */
	public Reconciliation reconciliation() {
		return this.reconciliation;
	}

	@Override
	public void onInvalidation(String topic, InvalidationOutcome outcome) {
		Topic stats = topic(topic);
		stats.increment(Topic.INVALIDATIONS + outcome.ordinal());
		stats.recorder.invalidation(outcome);
	}

	@Override
	public void onRefresh(String topic, RefreshOutcome outcome, long durationNanos) {
		Topic stats = topic(topic);
		stats.increment(Topic.REFRESHES + outcome.ordinal());
		stats.recorder.refresh(outcome, durationNanos);
	}

	@Override
	public void onCoalesced(String topic) {
		Topic stats = topic(topic);
		stats.increment(Topic.COALESCED);
		stats.recorder.coalesced();
	}

	@Override
	public void onRetry(String topic, SyncError error) {
		Topic stats = topic(topic);
		stats.increment(Topic.RETRIES);
		stats.recorder.retry();
	}

	@Override
	public void onApplied(String topic, Revision previous, Revision applied, @Nullable Long eventTimestampMs) {
		Topic stats = topic(topic);
		stats.applied(this.clock.instant());
		stats.recorder.applied(eventTimestampMs);
	}

	@Override
	public void onSnapshotRead(String topic, Revision revision, int bytes) {
		topic(topic).recorder.snapshotRead(bytes);
	}

	@Override
	public void onError(SyncError error) {
		Topic topic = topic(error.topic());
		topic.incrementErrors(error.phase());
		topic.lastError = new LastError(error.phase(), error.cause().getClass().getSimpleName(),
				String.valueOf(Credentials.mask(error.cause().getMessage())), this.clock.instant());
		topic.recorder.error(error.phase());
	}

	/**
	 * Told the events of one topic after they were counted, with what counts cannot hold:
	 * durations, the lag and snapshot sizes. Called on engine threads; must be fast and
	 * must not throw.
	 */
	public interface Recorder {

		/**
		 * An invalidation was handled.
		 * @param outcome what was done with it
		 */
		default void invalidation(InvalidationOutcome outcome) {
		}

		/**
		 * A refresh ended.
		 * @param outcome how it ended
		 * @param durationNanos how long it took
		 */
		default void refresh(RefreshOutcome outcome, long durationNanos) {
		}

		/**
		 * A refresh request was absorbed by another refresh.
		 */
		default void coalesced() {
		}

		/**
		 * A fetch is retried.
		 */
		default void retry() {
		}

		/**
		 * An error happened.
		 * @param phase where
		 */
		default void error(SyncPhase phase) {
		}

		/**
		 * A snapshot was applied.
		 * @param eventTimestampMs the writer's timestamp of the announcing event, if any
		 */
		default void applied(@Nullable Long eventTimestampMs) {
		}

		/**
		 * A snapshot was read.
		 * @param bytes its size as read
		 */
		default void snapshotRead(int bytes) {
		}

		/**
		 * Reconciliation found the topic behind the store and refreshed it.
		 */
		default void reconcileRepair() {
		}

	}

	/**
	 * Told of every reconcile run. Must be fast and must not throw.
	 */
	@FunctionalInterface
	public interface ReconcileRecorder {

		/**
		 * A reconcile run ended.
		 * @param durationNanos how long the read and the comparison took
		 * @param succeeded whether the store answered
		 */
		void run(long durationNanos, boolean succeeded);

	}

	/**
	 * What reconciliation did on this node.
	 */
	public static final class Reconciliation {

		private final LongAdder runs = new LongAdder();

		private final LongAdder failedRuns = new LongAdder();

		private volatile @Nullable Instant lastRun;

		Reconciliation() {
		}

		/**
		 * Return how many runs read every topic's revision from the store.
		 * @return the count
		 */
		public long runs() {
			return this.runs.sum();
		}

		/**
		 * Return how many runs failed to read from the store.
		 * @return the count
		 */
		public long failedRuns() {
			return this.failedRuns.sum();
		}

		/**
		 * Return when the last run ended.
		 * @return the time, or {@code null} if none did
		 */
		public @Nullable Instant lastRun() {
			return this.lastRun;
		}

	}

	/**
	 * What happened to one topic. The counts sit in one {@code long[]} updated
	 * atomically: a topic's events come from a few threads at most (its subscription's
	 * I/O thread, an apply thread, the scheduler), so striped adders would buy nothing
	 * and cost ~0.5 KB per topic. Error counts, which most topics never need, get an
	 * array of their own on the first error.
	 */
	public static final class Topic {

		private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

		private static final long NEVER = Long.MIN_VALUE;

		static final int INVALIDATIONS = 0;

		static final int REFRESHES = INVALIDATIONS + InvalidationOutcome.values().length;

		static final int COALESCED = REFRESHES + RefreshOutcome.values().length;

		static final int RETRIES = COALESCED + 1;

		static final int REPAIRS = RETRIES + 1;

		private static final int SIZE = REPAIRS + 1;

		private final long[] counts = new long[SIZE];

		private volatile long @Nullable [] errors;

		// nanoseconds since the epoch, NEVER before the first apply: no Instant kept
		// per topic
		private volatile long lastAppliedNanos = NEVER;

		private volatile @Nullable LastError lastError;

		private volatile Recorder recorder;

		Topic(Recorder recorder) {
			this.recorder = recorder;
		}

		void increment(int index) {
			COUNTS.getAndAdd(this.counts, index, 1L);
		}

		void incrementErrors(SyncPhase phase) {
			long[] counts = this.errors;
			if (counts == null) {
				synchronized (this) {
					counts = this.errors;
					if (counts == null) {
						counts = new long[SyncPhase.values().length];
						this.errors = counts;
					}
				}
			}
			COUNTS.getAndAdd(counts, phase.ordinal(), 1L);
		}

		void applied(Instant time) {
			this.lastAppliedNanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
		}

		private long count(int index) {
			return (long) COUNTS.getVolatile(this.counts, index);
		}

		/**
		 * Return how many invalidations ended with an outcome.
		 * @param outcome the outcome
		 * @return the count
		 */
		public long invalidations(InvalidationOutcome outcome) {
			return count(INVALIDATIONS + outcome.ordinal());
		}

		/**
		 * Return how many refreshes ended with an outcome.
		 * @param outcome the outcome
		 * @return the count
		 */
		public long refreshes(RefreshOutcome outcome) {
			return count(REFRESHES + outcome.ordinal());
		}

		/**
		 * Return how many errors happened in a phase.
		 * @param phase the phase
		 * @return the count
		 */
		public long errors(SyncPhase phase) {
			long[] counts = this.errors;
			return (counts != null) ? (long) COUNTS.getVolatile(counts, phase.ordinal()) : 0;
		}

		/**
		 * Return how many refresh requests were absorbed by another refresh.
		 * @return the count
		 */
		public long coalesced() {
			return count(COALESCED);
		}

		/**
		 * Return how many fetches were retried.
		 * @return the count
		 */
		public long retries() {
			return count(RETRIES);
		}

		/**
		 * Return how many times reconciliation found the topic behind the store (an
		 * invalidation was lost) and refreshed it.
		 * @return the count
		 */
		public long repairs() {
			return count(REPAIRS);
		}

		/**
		 * Return when the last snapshot was applied.
		 * @return the time, or {@code null} if none was
		 */
		public @Nullable Instant lastApplied() {
			long nanos = this.lastAppliedNanos;
			return (nanos != NEVER) ? Instant.ofEpochSecond(0, nanos) : null;
		}

		/**
		 * Return the last error.
		 * @return the error, or {@code null} if none happened
		 */
		public @Nullable LastError lastError() {
			return this.lastError;
		}

	}

	/**
	 * The last error of a topic.
	 *
	 * @param phase where it happened
	 * @param exception the exception's simple class name
	 * @param message its message, credentials in URLs masked
	 * @param time when it happened
	 */
	public record LastError(SyncPhase phase, String exception, String message, Instant time) {

	}

}
