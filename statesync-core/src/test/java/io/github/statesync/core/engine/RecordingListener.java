package io.github.statesync.core.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * Records what a handle reports.
 */
final class RecordingListener implements SyncListener {

	final List<SyncError> errors = new CopyOnWriteArrayList<>();

	final List<SyncError> retries = new CopyOnWriteArrayList<>();

	final Map<InvalidationOutcome, AtomicInteger> invalidations = new ConcurrentHashMap<>();

	final Map<RefreshOutcome, AtomicInteger> refreshes = new ConcurrentHashMap<>();

	final AtomicInteger coalesced = new AtomicInteger();

	final List<Revision> applied = new CopyOnWriteArrayList<>();

	final List<@Nullable Long> appliedTimestamps = new CopyOnWriteArrayList<>();

	final List<SyncStatus> statuses = new CopyOnWriteArrayList<>();

	@Override
	public void onInvalidation(String topic, InvalidationOutcome outcome) {
		this.invalidations.computeIfAbsent(outcome, (key) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public void onRefresh(String topic, RefreshOutcome outcome, long durationNanos) {
		this.refreshes.computeIfAbsent(outcome, (key) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public void onCoalesced(String topic) {
		this.coalesced.incrementAndGet();
	}

	@Override
	public void onRetry(String topic, SyncError error) {
		this.retries.add(error);
	}

	@Override
	public void onApplied(String topic, Revision previous, Revision applied, @Nullable Long eventTimestampMs) {
		this.applied.add(applied);
		this.appliedTimestamps.add(eventTimestampMs);
	}

	@Override
	public void onStatusChanged(String topic, SyncStatus previous, SyncStatus current) {
		if (this.statuses.isEmpty()) {
			this.statuses.add(previous);
		}
		this.statuses.add(current);
	}

	List<TopicStatus> statusChanges() {
		return this.statuses.stream().map(SyncStatus::status).toList();
	}

	@Override
	public void onError(SyncError error) {
		this.errors.add(error);
	}

	int invalidations(InvalidationOutcome outcome) {
		AtomicInteger count = this.invalidations.get(outcome);
		return (count != null) ? count.get() : 0;
	}

	int refreshes(RefreshOutcome outcome) {
		AtomicInteger count = this.refreshes.get(outcome);
		return (count != null) ? count.get() : 0;
	}

	List<SyncError> errors(SyncPhase phase) {
		return this.errors.stream().filter((error) -> error.phase() == phase).toList();
	}

}
