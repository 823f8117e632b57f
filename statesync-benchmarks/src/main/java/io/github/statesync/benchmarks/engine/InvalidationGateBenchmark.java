package io.github.statesync.benchmarks.engine;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.jackson.JacksonSyncCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenario 5, the engine alone: invalidations through one {@link SyncHandle}'s revision
 * gate, each decoded from its JSON bytes by the Redis transport's
 * {@link JacksonSyncCodec} first, as the subscriber does. The subscriber, provider and
 * applier are in memory and the provider answers at once, so an accepted invalidation
 * runs the whole refresh (fetch, timeout timer, apply) on the calling thread.
 * <ul>
 * <li>{@link #stale()}: the event is not newer than the local revision and is dropped
 * without a fetch;</li>
 * <li>{@link #accepted()}: every event announces the next revision, which is fetched and
 * applied.</li>
 * </ul>
 * The event bytes are rewritten in place, so the benchmark itself allocates nothing.
 *
 * @author statesync
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InvalidationGateBenchmark {

	private static final String TOPIC = "settings";

	/** Revisions start here, so all have the same number of digits. */
	private static final long FIRST_REVISION = 1_000_000_000_000_000L;

	private final JacksonSyncCodec codec = new JacksonSyncCodec();

	private final SnapshotEnvelope<String> data = new SnapshotEnvelope<>(Revision.of(FIRST_REVISION), "{}");

	private SyncHandle<String> handle;

	private InvalidationListener listener;

	private byte[] staleEvent;

	private byte[] nextEvent;

	private int revisionOffset;

	private long revision = FIRST_REVISION;

	@Setup(Level.Trial)
	public void start() {
		this.handle = SyncHandle.<String>builder(TOPIC, (topic, listener) -> {
			this.listener = listener;
			return () -> {
			};
		}, (topic, known) -> CompletableFuture
			.completedFuture(new SnapshotEnvelope<>(Revision.of(this.revision), this.data.data())), (snapshot) -> {
			}).build();
		this.handle.start().join();
		this.staleEvent = event(FIRST_REVISION - 1);
		this.nextEvent = event(FIRST_REVISION);
		this.revisionOffset = new String(this.nextEvent, StandardCharsets.UTF_8).indexOf(Long.toString(FIRST_REVISION));
	}

	private byte[] event(long revision) {
		return this.codec
			.encodeEvent(new InvalidationEvent(TOPIC, Revision.of(revision), "node-a", System.currentTimeMillis()));
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.handle.stop();
	}

	/**
	 * Decode an event older than the local revision and offer it to the gate.
	 * @return the local revision, so the work is not optimised away
	 */
	@Benchmark
	public long stale() {
		this.listener.onInvalidation(this.codec.decodeEvent(this.staleEvent));
		return this.revision;
	}

	/**
	 * Decode an event announcing the next revision and offer it: it is accepted, fetched
	 * and applied.
	 * @return the revision announced
	 */
	@Benchmark
	public long accepted() {
		long next = ++this.revision;
		long digits = next;
		for (int i = this.revisionOffset + 15; i >= this.revisionOffset; i--) {
			this.nextEvent[i] = (byte) ('0' + digits % 10);
			digits /= 10;
		}
		this.listener.onInvalidation(this.codec.decodeEvent(this.nextEvent));
		return next;
	}

}
