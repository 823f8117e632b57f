package io.github.statesync.core.engine;

import java.util.concurrent.atomic.AtomicBoolean;

import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotArchive;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last-known-good snapshot of one handle: every applied snapshot is saved to the
 * {@link SnapshotArchive}, and the archived one is restored, once per handle, when the
 * handle has no snapshot and the source cannot give it one it applies (the source failed,
 * holds none, answered a protocol error, or its snapshot failed to apply). It exists so
 * that when to fall back to the archive is decided in one place. Without an archive it
 * does nothing.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 */
final class LastKnownGood<T> {

	private static final Logger logger = LoggerFactory.getLogger(SyncHandle.class);

	private final String topic;

	private final @Nullable SnapshotArchive<T> archive;

	private final ErrorReporter reporter;

	private final AtomicBoolean restoreTried = new AtomicBoolean();

	LastKnownGood(String topic, @Nullable SnapshotArchive<T> archive, ErrorReporter reporter) {
		this.topic = topic;
		this.archive = archive;
		this.reporter = reporter;
	}

	/**
	 * Save a snapshot that was just applied; a failed save is reported, never thrown.
	 * @param snapshot the snapshot
	 */
	void save(SnapshotEnvelope<T> snapshot) {
		SnapshotArchive<T> target = this.archive;
		if (target == null) {
			return;
		}
		try {
			target.save(this.topic, snapshot).whenComplete((result, failure) -> {
				if (failure != null) {
					this.reporter.report(
							Failure.of(SyncPhase.ARCHIVE, ErrorReporter.unwrap(failure)).snapshot(snapshot.revision()));
				}
			});
		}
		catch (RuntimeException ex) {
			this.reporter.report(Failure.of(SyncPhase.ARCHIVE, ex).snapshot(snapshot.revision()));
		}
	}

	/**
	 * Apply the archived snapshot through the gate, unless the gate holds a snapshot or a
	 * restore was tried before. An archive that cannot be read is reported and ignored.
	 * @param gate the gate to apply through
	 */
	void restore(RevisionGate<T> gate) {
		SnapshotArchive<T> source = this.archive;
		if (source == null || gate.hasSnapshot() || !this.restoreTried.compareAndSet(false, true)) {
			return;
		}
		SnapshotEnvelope<T> archived;
		try {
			archived = source.load(this.topic);
		}
		catch (Exception ex) {
			this.reporter.report(Failure.of(SyncPhase.ARCHIVE, ex));
			return;
		}
		if (archived == null) {
			logger.debug("No archived snapshot of topic '{}' to restore", this.topic);
			return;
		}
		gate.apply(archived, SyncPhase.ARCHIVE, 0, null);
	}

}
