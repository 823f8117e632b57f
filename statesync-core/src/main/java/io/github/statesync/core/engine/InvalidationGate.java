package io.github.statesync.core.engine;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what one invalidation of a running handle does: refuse it (another topic's),
 * drop it (not newer than the local revision, or filtered out), or accept it (announce
 * its revision, then apply the snapshot it carries inline or fire the refresh trigger).
 * It exists so that the handle's event entry point only checks the lifecycle, and the
 * event side of the revision gate reads in one place. Runs on the thread that delivers
 * the event, and never applies there.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 */
final class InvalidationGate<T> {

	private static final Logger logger = LoggerFactory.getLogger(SyncHandle.class);

	/** At most one source check per second per topic, however many old events come. */
	static final long SOURCE_CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final String topic;

	private final SnapshotProvider<T> provider;

	private final @Nullable Predicate<InvalidationEvent> refreshFilter;

	private final SyncListener listener;

	private final ErrorReporter reporter;

	private final RevisionGate<T> gate;

	// null without throttling: the refresh is asked for directly
	private final @Nullable RefreshTrigger trigger;

	private final SyncScheduler clock;

	// asked for a forced refresh when the source must be checked
	private final RefreshCoordinator<T> refreshes;

	// racy on purpose: two threads may both check once, which costs one more fetch
	private volatile long lastSourceCheckNanos;

	InvalidationGate(String topic, SnapshotProvider<T> provider, @Nullable Predicate<InvalidationEvent> refreshFilter,
			SyncListener listener, ErrorReporter reporter, RevisionGate<T> gate, @Nullable RefreshTrigger trigger,
			SyncScheduler clock, RefreshCoordinator<T> refreshes) {
		this.topic = topic;
		this.provider = provider;
		this.refreshFilter = refreshFilter;
		this.listener = listener;
		this.reporter = reporter;
		this.gate = gate;
		this.trigger = trigger;
		this.clock = clock;
		this.refreshes = refreshes;
	}

	/**
	 * Handle an invalidation delivered to a handle that is starting or running.
	 * @param event the event
	 */
	void onInvalidation(InvalidationEvent event) {
		if (!this.topic.equals(event.topic())) {
			// a peer or a shared channel gone wrong: never apply, always tell
			this.listener.onInvalidation(this.topic, InvalidationOutcome.INVALID);
			this.reporter.report(Failure.of(SyncPhase.PROTOCOL, new ProtocolException("invalidation event for topic '"
					+ event.topic() + "' was delivered to topic '" + this.topic + "'")));
			return;
		}
		long revision = event.revision().longValue();
		long local = this.gate.localRevision();
		int order = Long.compareUnsigned(revision, local);
		// on its archived snapshot the handle takes any other revision: the archive never
		// outranks the source
		if (order <= 0 && !(order < 0 && this.gate.onArchive())) {
			if (logger.isDebugEnabled()) {
				logger.debug("Dropped invalidation of topic '{}' at revision {}: holding {}", this.topic,
						event.revision(), Revision.of(local));
			}
			this.listener.onInvalidation(this.topic, InvalidationOutcome.STALE);
			if (order < 0) {
				checkSource();
			}
			return;
		}
		if (!wanted(event)) {
			logger.debug("Filtered invalidation of topic '{}' at revision {}", this.topic, event.revision());
			this.listener.onInvalidation(this.topic, InvalidationOutcome.FILTERED);
			return;
		}
		this.gate.announce(revision, event.timestampMs());
		this.listener.onInvalidation(this.topic, InvalidationOutcome.ACCEPTED);
		if (event.data() != null && applyInline(event)) {
			return;
		}
		fire();
	}

	private void fire() {
		if (this.trigger != null) {
			this.trigger.fire();
		}
		else {
			this.refreshes.request(false);
		}
	}

	/**
	 * An event announced a revision older than the local one: usually one overtaken by a
	 * newer snapshot, but also what a writer sends after its store lost or rewound data.
	 * Ask the source, at most once per {@link #SOURCE_CHECK_INTERVAL_NANOS}: a refresh
	 * that finds the source below the local revision reports (and by default follows) the
	 * regression.
	 */
	private void checkSource() {
		long now = this.clock.nanoTime();
		long last = this.lastSourceCheckNanos;
		if (last != 0 && now - last < SOURCE_CHECK_INTERVAL_NANOS) {
			return;
		}
		this.lastSourceCheckNanos = (now != 0) ? now : 1;
		logger.debug("Checking the source of topic '{}' after an invalidation older than the local revision",
				this.topic);
		this.refreshes.request(true);
	}

	/**
	 * Handle an event the subscriber could not read.
	 * @param error what was wrong with it
	 */
	void onProtocolError(ProtocolException error) {
		this.listener.onInvalidation(this.topic, InvalidationOutcome.INVALID);
		this.reporter.report(Failure.of(SyncPhase.PROTOCOL, error));
	}

	private boolean wanted(InvalidationEvent event) {
		Predicate<InvalidationEvent> filter = this.refreshFilter;
		if (filter == null) {
			return true;
		}
		try {
			return filter.test(event);
		}
		catch (RuntimeException ex) {
			this.reporter.report(Failure.of(SyncPhase.INVALIDATION, ex));
			return false;
		}
	}

	/**
	 * Hand the snapshot an event carried inline to the gate, which applies it on the
	 * scheduler (a refresh follows if that fails).
	 * @return whether the event is handled (else the caller fires the trigger)
	 */
	private boolean applyInline(InvalidationEvent event) {
		SnapshotEnvelope<T> inline;
		try {
			inline = this.provider.inlineSnapshot(event);
		}
		catch (RuntimeException ex) {
			this.reporter.report(Failure.of(SyncPhase.PROTOCOL, ex).snapshot(event.revision()));
			return false;
		}
		if (inline == null) {
			return false;
		}
		this.gate.applyInline(inline, this::fire);
		return true;
	}

}
