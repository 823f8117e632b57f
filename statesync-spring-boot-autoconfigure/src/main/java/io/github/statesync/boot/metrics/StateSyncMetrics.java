package io.github.statesync.boot.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.engine.TopicStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The {@code statesync.*} meters, all tagged with {@code topic}:
 * <ul>
 * <li>{@code statesync.invalidations} (counter, {@code outcome}: accepted, stale,
 * filtered, invalid)</li>
 * <li>{@code statesync.refresh} (timer, {@code outcome}: applied, skipped, failed)</li>
 * <li>{@code statesync.refresh.coalesced} and {@code statesync.fetch.retries}
 * (counters)</li>
 * <li>{@code statesync.errors} (counter, {@code phase})</li>
 * <li>{@code statesync.revision} (gauge of the local revision)</li>
 * <li>{@code statesync.fleet.laggards} (gauge: 1 while this node holds a revision below
 * the highest announced to it, else 0; summed over the fleet, the number of
 * laggards)</li>
 * <li>{@code statesync.lag} (timer from the writer's event timestamp to the apply; clocks
 * of different hosts may disagree, so a negative lag is recorded as zero)</li>
 * <li>{@code statesync.snapshot.size} (distribution summary, bytes)</li>
 * <li>{@code statesync.reconcile.repairs} (counter: reconciliation found the topic behind
 * the store, no invalidation having announced the newer revision, and refreshed it)</li>
 * <li>{@code statesync.topic.status} (gauge, {@code status}: 1 for the status a topic is
 * in, 0 for the others; for a shared tag, the number of its topics in each status)</li>
 * </ul>
 * and, without a topic tag, {@code statesync.pubsub.liveness.failures} (function counter
 * of half-open pub/sub connections dropped, when the transport has a liveness probe) and
 * {@code statesync.reconcile} (timer of reconcile runs, {@code outcome}: succeeded,
 * failed). Topic tags are bounded: past {@code maxTaggedTopics} distinct topics, further
 * topics share the tag value {@value #OTHER_TOPICS}; with topic tags disabled every meter
 * carries {@code topic=}{@value #ALL_TOPICS}. The meters are fed by
 * {@link TopicStatistics}, the one listener that counts the engine's events: it hands
 * each topic's events to that topic's {@link TopicStatistics.Recorder}, which this binder
 * makes on the topic's first event, with the tag the topic keeps.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class StateSyncMetrics implements MeterBinder {

	/** The tag value of topics past the tagging limit. */
	public static final String OTHER_TOPICS = "_other";

	/** The tag value when topic tags are disabled. */
	public static final String ALL_TOPICS = "_all";

	private final SyncedTopicRegistry registry;

	private final TopicStatistics statistics;

	private final Clock clock;

	private final boolean tagTopics;

	private final int maxTaggedTopics;

	private final Map<String, TopicMeters> meters = new ConcurrentHashMap<>();

	private final Set<String> taggedTopics = ConcurrentHashMap.newKeySet();

	private @Nullable LongSupplier pubSubLivenessFailures;

	/**
	 * Create the meters.
	 * @param registry the topics, whose revisions the gauges read
	 * @param statistics the counting listener that feeds the meters
	 * @param clock the clock for the lag
	 * @param tagTopics whether meters carry the topic name
	 * @param maxTaggedTopics how many distinct topics get a tag of their own
	 */
	public StateSyncMetrics(SyncedTopicRegistry registry, TopicStatistics statistics, Clock clock, boolean tagTopics,
			int maxTaggedTopics) {
		this.registry = registry;
		this.statistics = statistics;
		this.clock = clock;
		this.tagTopics = tagTopics;
		this.maxTaggedTopics = maxTaggedTopics;
	}

	/**
	 * Also count the pub/sub connections the transport's liveness probe found dead.
	 * @param failures how many the probe has dropped so far
	 * @return this binder
	 */
	public StateSyncMetrics withPubSubLivenessFailures(LongSupplier failures) {
		this.pubSubLivenessFailures = failures;
		return this;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		LongSupplier livenessFailures = this.pubSubLivenessFailures;
		if (livenessFailures != null) {
			FunctionCounter.builder("statesync.pubsub.liveness.failures", livenessFailures, LongSupplier::getAsLong)
				.description("Pub/sub connections the liveness probe found half-open (no answer to PING) and dropped")
				.baseUnit(BaseUnits.EVENTS)
				.register(registry);
		}
		Timer reconciled = reconcileTimer(registry, "succeeded");
		Timer failed = reconcileTimer(registry, "failed");
		this.statistics.recordReconcileRunsWith((durationNanos, succeeded) -> (succeeded ? reconciled : failed)
			.record(durationNanos, TimeUnit.NANOSECONDS));
		this.statistics
			.recordWith((topic) -> this.meters.computeIfAbsent(tagFor(topic), (tag) -> new TopicMeters(registry, tag)));
	}

	private static Timer reconcileTimer(MeterRegistry registry, String outcome) {
		return Timer.builder("statesync.reconcile")
			.description("Reconcile runs: one read of every followed topic's revision from the store, by outcome")
			.tag("outcome", outcome)
			.register(registry);
	}

	private double inStatus(String tag, TopicStatus status) {
		if (OTHER_TOPICS.equals(tag) || ALL_TOPICS.equals(tag)) {
			boolean all = ALL_TOPICS.equals(tag);
			return this.registry.handles()
				.stream()
				.filter((handle) -> all || !this.taggedTopics.contains(handle.topic()))
				.filter((handle) -> handle.status().status() == status)
				.count();
		}
		SyncHandle<JsonNode> handle = this.registry.handle(tag);
		if (handle == null) {
			return Double.NaN;
		}
		return (handle.status().status() == status) ? 1 : 0;
	}

	private synchronized String tagFor(String topic) {
		if (!this.tagTopics) {
			return ALL_TOPICS;
		}
		if (this.taggedTopics.contains(topic) || this.taggedTopics.size() < this.maxTaggedTopics) {
			this.taggedTopics.add(topic);
			return topic;
		}
		return OTHER_TOPICS;
	}

	private double revision(String tag) {
		SyncHandle<JsonNode> handle = this.registry.handle(tag);
		if (handle == null) {
			return Double.NaN;
		}
		long bits = handle.localRevision().longValue();
		// revisions are unsigned 64-bit
		return (bits >= 0) ? bits : bits + 0x1p64;
	}

	private double lagging(String tag) {
		SyncHandle<JsonNode> handle = this.registry.handle(tag);
		if (handle == null) {
			return Double.NaN;
		}
		return (handle.localRevision().compareTo(handle.announcedRevision()) < 0) ? 1 : 0;
	}

	/**
	 * The meters of one topic tag value.
	 */
	private final class TopicMeters implements TopicStatistics.Recorder {

		final Map<InvalidationOutcome, Counter> invalidations = new EnumMap<>(InvalidationOutcome.class);

		final Map<RefreshOutcome, Timer> refreshes = new EnumMap<>(RefreshOutcome.class);

		final Map<SyncPhase, Counter> errors = new EnumMap<>(SyncPhase.class);

		final Counter coalesced;

		final Counter retries;

		final Timer lag;

		final DistributionSummary snapshotSize;

		final Counter repairs;

		TopicMeters(MeterRegistry registry, String topic) {
			for (InvalidationOutcome outcome : InvalidationOutcome.values()) {
				this.invalidations.put(outcome,
						Counter.builder("statesync.invalidations")
							.description("Invalidations received, by what was done with them")
							.baseUnit(BaseUnits.EVENTS)
							.tag("topic", topic)
							.tag("outcome", tagValue(outcome))
							.register(registry));
			}
			for (RefreshOutcome outcome : RefreshOutcome.values()) {
				this.refreshes.put(outcome,
						Timer.builder("statesync.refresh")
							.description("Refreshes (fetch, retries and apply), by how they ended")
							.tag("topic", topic)
							.tag("outcome", tagValue(outcome))
							.register(registry));
			}
			for (SyncPhase phase : SyncPhase.values()) {
				this.errors.put(phase,
						Counter.builder("statesync.errors")
							.description("Errors, by the phase of the sync cycle they happened in")
							.baseUnit(BaseUnits.EVENTS)
							.tag("topic", topic)
							.tag("phase", tagValue(phase))
							.register(registry));
			}
			this.coalesced = Counter.builder("statesync.refresh.coalesced")
				.description("Refresh requests absorbed by a refresh already in flight or queued")
				.baseUnit(BaseUnits.EVENTS)
				.tag("topic", topic)
				.register(registry);
			this.retries = Counter.builder("statesync.fetch.retries")
				.description("Fetches retried after a failure or a lagging source")
				.baseUnit(BaseUnits.EVENTS)
				.tag("topic", topic)
				.register(registry);
			this.lag = Timer.builder("statesync.lag")
				.description("Time from the writer's event timestamp to the apply on this node")
				.tag("topic", topic)
				.register(registry);
			this.snapshotSize = DistributionSummary.builder("statesync.snapshot.size")
				.description("Size of the snapshots read")
				.baseUnit(BaseUnits.BYTES)
				.tag("topic", topic)
				.register(registry);
			this.repairs = Counter.builder("statesync.reconcile.repairs")
				.description("Refreshes asked by reconciliation because the store held a newer revision "
						+ "than this node and no invalidation announced it: invalidations are being lost")
				.baseUnit(BaseUnits.EVENTS)
				.tag("topic", topic)
				.register(registry);
			if (!OTHER_TOPICS.equals(topic) && !ALL_TOPICS.equals(topic)) {
				Gauge.builder("statesync.revision", StateSyncMetrics.this, (metrics) -> metrics.revision(topic))
					.description("Revision of the snapshot this node holds")
					.tag("topic", topic)
					.strongReference(true)
					.register(registry);
				Gauge.builder("statesync.fleet.laggards", StateSyncMetrics.this, (metrics) -> metrics.lagging(topic))
					.description("Whether this node lags on the topic (1) or not (0): it holds a revision below one "
							+ "announced to it; summed over the fleet's nodes, the number of laggards")
					.tag("topic", topic)
					.strongReference(true)
					.register(registry);
			}
			for (TopicStatus status : TopicStatus.values()) {
				Gauge
					.builder("statesync.topic.status", StateSyncMetrics.this,
							(metrics) -> metrics.inStatus(topic, status))
					.description("Topics in each status: 1 or 0 for a topic of its own tag, the count for a shared tag")
					.tag("topic", topic)
					.tag("status", tagValue(status))
					.strongReference(true)
					.register(registry);
			}
		}

		@Override
		public void invalidation(InvalidationOutcome outcome) {
			this.invalidations.get(outcome).increment();
		}

		@Override
		public void refresh(RefreshOutcome outcome, long durationNanos) {
			this.refreshes.get(outcome).record(durationNanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void coalesced() {
			this.coalesced.increment();
		}

		@Override
		public void retry() {
			this.retries.increment();
		}

		@Override
		public void error(SyncPhase phase) {
			this.errors.get(phase).increment();
		}

		@Override
		public void applied(@Nullable Long eventTimestampMs) {
			if (eventTimestampMs != null) {
				// clocks of different hosts may disagree: a negative lag is recorded
				// as zero
				long lag = Math.max(0, StateSyncMetrics.this.clock.millis() - eventTimestampMs);
				this.lag.record(Duration.ofMillis(lag));
			}
		}

		@Override
		public void snapshotRead(int bytes) {
			this.snapshotSize.record(bytes);
		}

		@Override
		public void reconcileRepair() {
			this.repairs.increment();
		}

		private static String tagValue(Enum<?> value) {
			return value.name().toLowerCase(java.util.Locale.ROOT);
		}

	}

}
