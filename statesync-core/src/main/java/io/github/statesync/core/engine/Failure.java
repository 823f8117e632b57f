package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.Objects;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * What went wrong, as the code that saw it knows it: a phase and a cause, plus the
 * snapshot, the fetch attempt and the retry where they apply. Built at the call site
 * ({@code Failure.of(SyncPhase.PROTOCOL, ex).attempt(n)}) and turned into a
 * {@link SyncError} by {@link ErrorReporter}, which adds what the handle knows (topic and
 * revisions). It exists so that a call site names only what it knows instead of passing
 * {@code null, 0, false, null}.
 *
 * @param phase where it happened
 * @param cause what went wrong
 * @param snapshotRevision the revision of the snapshot involved, if any
 * @param attempt the fetch attempt, counting from 1, or 0 outside a fetch
 * @param nextDelay the delay before the engine retries by itself, or {@code null} if it
 * does not
 * @author statesync
 */
record Failure(SyncPhase phase, Throwable cause, @Nullable Revision snapshotRevision, int attempt,
		@Nullable Duration nextDelay) {

	Failure {
		Objects.requireNonNull(phase, "phase must not be null");
		Objects.requireNonNull(cause, "cause must not be null");
	}

	/**
	 * Return a failure outside a fetch, about no snapshot in particular, not retried.
	 * @param phase where it happened
	 * @param cause what went wrong
	 * @return the failure
	 */
	static Failure of(SyncPhase phase, Throwable cause) {
		return new Failure(phase, cause, null, 0, null);
	}

	/**
	 * Return a copy about the snapshot at the given revision.
	 * @param revision the snapshot's revision, or {@code null} if none
	 * @return the copy
	 */
	Failure snapshot(@Nullable Revision revision) {
		return new Failure(this.phase, this.cause, revision, this.attempt, this.nextDelay);
	}

	/**
	 * Return a copy that happened in the given fetch attempt.
	 * @param attempt the attempt, counting from 1
	 * @return the copy
	 */
	Failure attempt(int attempt) {
		return new Failure(this.phase, this.cause, this.snapshotRevision, attempt, this.nextDelay);
	}

	/**
	 * Return a copy that the engine retries after the given delay.
	 * @param delay the delay before the retry
	 * @return the copy
	 */
	Failure retryIn(Duration delay) {
		return new Failure(this.phase, this.cause, this.snapshotRevision, this.attempt,
				Objects.requireNonNull(delay, "delay must not be null"));
	}

	/**
	 * Return whether the engine retries by itself.
	 * @return {@code true} if a retry delay is set
	 */
	boolean willRetry() {
		return this.nextDelay != null;
	}

}
