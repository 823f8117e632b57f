package io.github.statesync.boot.topic;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * In-memory counts and last events of every topic, for the Actuator endpoint and the
 * health contributor (which read memory only, never the network). Always on, Micrometer
 * or not.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class TopicStatistics implements SyncListener {

	private final Clock clock;

	private final Map<String, Topic> topics = new ConcurrentHashMap<>();

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
		return this.topics.computeIfAbsent(topic, (name) -> new Topic());
	}

	@Override
	public void onInvalidation(String topic, InvalidationOutcome outcome) {
		topic(topic).invalidations.get(outcome).increment();
	}

	@Override
	public void onRefresh(String topic, RefreshOutcome outcome, long durationNanos) {
		topic(topic).refreshes.get(outcome).increment();
	}

	@Override
	public void onCoalesced(String topic) {
		topic(topic).coalesced.increment();
	}

	@Override
	public void onRetry(String topic, SyncError error) {
		topic(topic).retries.increment();
	}

	@Override
	public void onApplied(String topic, Revision previous, Revision applied, @Nullable Long eventTimestampMs) {
		topic(topic).lastApplied = this.clock.instant();
	}

	@Override
	public void onError(SyncError error) {
		Topic topic = topic(error.topic());
		topic.errors.get(error.phase()).increment();
		topic.lastError = new LastError(error.phase(), error.cause().getClass().getSimpleName(),
				String.valueOf(error.cause().getMessage()), this.clock.instant());
	}

	/**
	 * What happened to one topic.
	 */
	public static final class Topic {

		private final Map<InvalidationOutcome, LongAdder> invalidations = adders(InvalidationOutcome.class);

		private final Map<RefreshOutcome, LongAdder> refreshes = adders(RefreshOutcome.class);

		private final Map<SyncPhase, LongAdder> errors = adders(SyncPhase.class);

		private final LongAdder coalesced = new LongAdder();

		private final LongAdder retries = new LongAdder();

		private volatile @Nullable Instant lastApplied;

		private volatile @Nullable LastError lastError;

		private static <E extends Enum<E>> Map<E, LongAdder> adders(Class<E> type) {
			Map<E, LongAdder> adders = new EnumMap<>(type);
			for (E constant : type.getEnumConstants()) {
				adders.put(constant, new LongAdder());
			}
			return adders;
		}

		public long invalidations(InvalidationOutcome outcome) {
			return this.invalidations.get(outcome).sum();
		}

		public long refreshes(RefreshOutcome outcome) {
			return this.refreshes.get(outcome).sum();
		}

		public long errors(SyncPhase phase) {
			return this.errors.get(phase).sum();
		}

		public long coalesced() {
			return this.coalesced.sum();
		}

		public long retries() {
			return this.retries.sum();
		}

		public @Nullable Instant lastApplied() {
			return this.lastApplied;
		}

		public @Nullable LastError lastError() {
			return this.lastError;
		}

	}

	/**
	 * The last error of a topic.
	 *
	 * @param phase where it happened
	 * @param exception the exception's simple class name
	 * @param message its message
	 * @param time when it happened
	 */
	public record LastError(SyncPhase phase, String exception, String message, Instant time) {

	}

}
