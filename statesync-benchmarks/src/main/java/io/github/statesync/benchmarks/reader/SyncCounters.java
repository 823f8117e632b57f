package io.github.statesync.benchmarks.reader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncListener;

/**
 * Counts what a reader's engine did, through the public {@link SyncListener} SPI (a
 * {@code SyncListener} bean observes every topic, with or without Micrometer): the
 * fetches it issued are its refreshes plus their retries.
 *
 * @author statesync
 */
public final class SyncCounters implements SyncListener {

	private final LongAdder accepted = new LongAdder();

	private final LongAdder stale = new LongAdder();

	private final LongAdder refreshes = new LongAdder();

	private final LongAdder retries = new LongAdder();

	private final LongAdder coalesced = new LongAdder();

	@Override
	public void onInvalidation(String topic, InvalidationOutcome outcome) {
		if (outcome == InvalidationOutcome.ACCEPTED) {
			this.accepted.increment();
		}
		else if (outcome == InvalidationOutcome.STALE) {
			this.stale.increment();
		}
	}

	@Override
	public void onRefresh(String topic, RefreshOutcome outcome, long durationNanos) {
		this.refreshes.increment();
	}

	@Override
	public void onRetry(String topic, SyncError error) {
		this.retries.increment();
	}

	@Override
	public void onCoalesced(String topic) {
		this.coalesced.increment();
	}

	/**
	 * Return the invalidations that passed the revision gate.
	 * @return the count
	 */
	public long accepted() {
		return this.accepted.sum();
	}

	/**
	 * Return the invalidations the revision gate dropped.
	 * @return the count
	 */
	public long stale() {
		return this.stale.sum();
	}

	/**
	 * Return the fetches issued: every refresh's first fetch and every retry.
	 * @return the count
	 */
	public long fetches() {
		return this.refreshes.sum() + this.retries.sum();
	}

	/**
	 * Return the fetches retried, after a failure or because the snapshot was older than
	 * an announced revision.
	 * @return the count
	 */
	public long retries() {
		return this.retries.sum();
	}

	/**
	 * Return the counts as result fields.
	 * @return {@code invalidations_accepted}, {@code invalidations_stale},
	 * {@code fetches}, {@code fetch_retries} and {@code coalesced}
	 */
	public Map<String, Object> fields() {
		Map<String, Object> fields = new LinkedHashMap<>();
		fields.put("invalidations_accepted", accepted());
		fields.put("invalidations_stale", stale());
		fields.put("fetches", fetches());
		fields.put("fetch_retries", retries());
		fields.put("coalesced", coalesced());
		return fields;
	}

	/**
	 * Return the refresh requests absorbed by one in flight or queued.
	 * @return the count
	 */
	public long coalesced() {
		return this.coalesced.sum();
	}

	/**
	 * Forget everything counted so far.
	 */
	public void reset() {
		this.accepted.reset();
		this.stale.reset();
		this.refreshes.reset();
		this.retries.reset();
		this.coalesced.reset();
	}

}
