package io.github.statesync.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import java.util.function.LongPredicate;

import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotApplier;
import io.github.statesync.core.spi.SnapshotProvider;
import org.jspecify.annotations.Nullable;

/**
 * One topic followed by one {@link TestNode}: the applier and listener of its
 * {@link SyncHandle}, recording everything the fault tests assert on, with faults that
 * can be switched on and off while it runs.
 * <p>
 * Recorded: every applied revision in order, any invariant violation (a revision applied
 * that is not newer than the previous one, data of a malformed snapshot applied), every
 * error, the invalidation outcomes, fetches and applier calls.
 * <p>
 * Injectable: a fetch that fails ({@link #failFetches}), an applier that throws for some
 * revisions ({@link #failApplies}), an applier that is slow ({@link #slowApplies}) or
 * held until released ({@link #holdNextApply}).
 */
final class Follower implements SnapshotApplier<Settings>, SyncListener {

	final String nodeId;

	final String topic;

	/** Every revision the applier completed, in order. */
	final List<Revision> applied = new CopyOnWriteArrayList<>();

	/** The data of the last applied snapshot: the node's state. */
	final AtomicReference<@Nullable Settings> value = new AtomicReference<>();

	/** Invariant violations seen by the applier; must stay empty. */
	final List<String> violations = new CopyOnWriteArrayList<>();

	final List<SyncError> errors = new CopyOnWriteArrayList<>();

	/** Fetches asked of the provider, failed ones included. */
	final AtomicInteger fetches = new AtomicInteger();

	/** Calls of the applier, throwing ones included. */
	final AtomicInteger applyCalls = new AtomicInteger();

	final AtomicInteger coalesced = new AtomicInteger();

	/** The threads the applier ran on. */
	final Set<String> applyThreads = ConcurrentHashMap.newKeySet();

	private final Map<InvalidationOutcome, AtomicInteger> outcomes = new ConcurrentHashMap<>();

	private final @Nullable SyncListener nodeListener;

	private volatile IntPredicate failFetch = (fetch) -> false;

	private volatile LongPredicate failApply = (revision) -> false;

	private volatile Duration applyDelay = Duration.ZERO;

	private volatile @Nullable CountDownLatch applyGate;

	private volatile @Nullable SyncHandle<Settings> handle;

	Follower(String nodeId, String topic, @Nullable SyncListener nodeListener) {
		this.nodeId = nodeId;
		this.topic = topic;
		this.nodeListener = nodeListener;
	}

	void attach(SyncHandle<Settings> handle) {
		this.handle = handle;
	}

	SyncHandle<Settings> handle() {
		SyncHandle<Settings> attached = this.handle;
		if (attached == null) {
			throw new IllegalStateException("not built yet");
		}
		return attached;
	}

	CompletableFuture<Void> start() {
		return handle().start();
	}

	Revision localRevision() {
		return handle().localRevision();
	}

	String name() {
		return this.nodeId + "/" + this.topic;
	}

	/**
	 * Wrap the real provider: count fetches and fail those the predicate picks.
	 * @param delegate the real provider
	 * @return the instrumented provider
	 */
	SnapshotProvider<Settings> instrument(SnapshotProvider<Settings> delegate) {
		return (name, knownRevision) -> {
			int fetch = this.fetches.incrementAndGet();
			if (this.failFetch.test(fetch)) {
				return CompletableFuture
					.failedFuture(new InjectedFault("fetch " + fetch + " of " + name() + " failed"));
			}
			return delegate.fetch(name, knownRevision);
		};
	}

	/**
	 * Fail the fetches the predicate picks, by their number counting from 1 since the
	 * follower was built.
	 * @param predicate which fetches fail
	 */
	void failFetches(IntPredicate predicate) {
		this.failFetch = predicate;
	}

	/**
	 * Make the applier throw for the revisions the predicate picks.
	 * @param predicate which revisions (as unsigned bits) fail to apply
	 */
	void failApplies(LongPredicate predicate) {
		this.failApply = predicate;
	}

	void slowApplies(Duration delay) {
		this.applyDelay = delay;
	}

	/**
	 * Hold the next call of the applier until the returned latch is counted down.
	 * @return the latch to release it with
	 */
	CountDownLatch holdNextApply() {
		CountDownLatch gate = new CountDownLatch(1);
		this.applyGate = gate;
		return gate;
	}

	void clearFaults() {
		this.failFetch = (fetch) -> false;
		this.failApply = (revision) -> false;
		this.applyDelay = Duration.ZERO;
		CountDownLatch gate = this.applyGate;
		this.applyGate = null;
		if (gate != null) {
			gate.countDown();
		}
	}

	@Override
	public void apply(SnapshotEnvelope<Settings> snapshot) throws Exception {
		this.applyCalls.incrementAndGet();
		this.applyThreads.add(Thread.currentThread().getName());
		CountDownLatch gate = this.applyGate;
		if (gate != null) {
			this.applyGate = null;
			if (!gate.await(60, TimeUnit.SECONDS)) {
				this.violations.add("apply held for over 60 s: the test never released it");
			}
		}
		Duration delay = this.applyDelay;
		if (!delay.isZero()) {
			Thread.sleep(delay.toMillis());
		}
		Revision revision = snapshot.revision();
		if (this.failApply.test(revision.longValue())) {
			throw new InjectedFault("applier of " + name() + " refuses revision " + revision);
		}
		if (!this.applied.isEmpty()) {
			Revision previous = this.applied.get(this.applied.size() - 1);
			if (!revision.isNewerThan(previous)) {
				this.violations.add(name() + " applied revision " + revision + " after " + previous);
			}
		}
		if (Settings.POISON.equals(snapshot.data().theme())) {
			this.violations.add(name() + " applied the data of a malformed snapshot at revision " + revision);
		}
		this.applied.add(revision);
		this.value.set(snapshot.data());
	}

	int outcomes(InvalidationOutcome outcome) {
		AtomicInteger count = this.outcomes.get(outcome);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Return how many events reached the handle, whatever it did with them.
	 * @return the number of events
	 */
	int events() {
		int total = 0;
		for (InvalidationOutcome outcome : InvalidationOutcome.values()) {
			total += outcomes(outcome);
		}
		return total;
	}

	List<SyncError> errors(SyncPhase phase) {
		return this.errors.stream().filter((error) -> error.phase() == phase).toList();
	}

	@Override
	public void onInvalidation(String topic, InvalidationOutcome outcome) {
		this.outcomes.computeIfAbsent(outcome, (key) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public void onCoalesced(String topic) {
		this.coalesced.incrementAndGet();
	}

	@Override
	public void onError(SyncError error) {
		this.errors.add(error);
		if (this.nodeListener != null) {
			this.nodeListener.onError(error);
		}
	}

	@Override
	public String toString() {
		SyncHandle<Settings> attached = this.handle;
		return name() + "@" + ((attached != null) ? attached.localRevision() : "unbuilt");
	}

}
