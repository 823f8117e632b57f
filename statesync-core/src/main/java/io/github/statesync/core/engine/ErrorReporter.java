package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a handle's {@link Failure failures} into {@link SyncError}s: adds the topic and
 * the revisions the handle holds, logs it (at WARN at most once per phase per
 * {@value #WARN_INTERVAL_SECONDS} s, the repeats at DEBUG, so an error in a loop never
 * floods the log), and tells the listeners. One per handle, so that how errors are
 * counted and logged is decided in one place.
 *
 * @author statesync
 */
final class ErrorReporter {

	// the handle's own category: what operators filter on
	private static final Logger logger = LoggerFactory.getLogger(SyncHandle.class);

	private static final int WARN_INTERVAL_SECONDS = 10;

	private static final long WARN_INTERVAL_NANOS = Duration.ofSeconds(WARN_INTERVAL_SECONDS).toNanos();

	private final String topic;

	private final SyncListener listener;

	private final SyncScheduler clock;

	private final HandleView handle;

	private static final int PHASES = SyncPhase.values().length;

	// when each phase was last logged at WARN: made at the first error (most topics never
	// have one); guarded by this
	private long @Nullable [] lastWarnedNanos;

	/**
	 * Create a reporter.
	 * @param topic the handle's topic
	 * @param listener who hears every error
	 * @param clock whose time throttles the WARN lines
	 * @param handle the handle whose revisions (held, and the highest an event announced,
	 * {@code 0} if none) are read when an error is reported
	 */
	ErrorReporter(String topic, SyncListener listener, SyncScheduler clock, HandleView handle) {
		this.topic = topic;
		this.listener = listener;
		this.clock = clock;
		this.handle = handle;
	}

	/**
	 * Report a failure: log it and tell the listeners.
	 * @param failure what went wrong
	 * @return the error the listeners heard
	 */
	SyncError report(Failure failure) {
		long announced = this.handle.announcedRevisionBits();
		SyncError error = new SyncError(this.topic, failure.phase(), failure.cause(),
				Revision.of(this.handle.localRevisionBits()), (announced != 0) ? Revision.of(announced) : null,
				failure.snapshotRevision(), failure.attempt(), failure.willRetry(), failure.nextDelay());
		log(error);
		this.listener.onError(error);
		return error;
	}

	private void log(SyncError error) {
		if (!logger.isWarnEnabled()) {
			return;
		}
		long now = this.clock.nanoTime();
		int slot = error.phase().ordinal();
		boolean warn;
		synchronized (this) {
			long[] warned = this.lastWarnedNanos;
			if (warned == null) {
				warned = new long[PHASES];
				this.lastWarnedNanos = warned;
			}
			long last = warned[slot];
			warn = last == 0 || now - last >= WARN_INTERVAL_NANOS;
			if (warn) {
				warned[slot] = (now != 0) ? now : 1;
			}
		}
		if (!warn && !logger.isDebugEnabled()) {
			return;
		}
		String retry = error.willRetry() ? "retrying in " + error.nextDelay().toMillis() + " ms" : "not retrying";
		String attempt = (error.attempt() > 0) ? ", attempt " + error.attempt() + ", " + retry : "";
		String message = "Sync of topic '{}' failed in phase {} at local revision {}{}: {}";
		if (warn) {
			logger.warn(message, this.topic, error.phase(), error.localRevision(), attempt, error.cause().toString());
		}
		else {
			logger.debug(message, this.topic, error.phase(), error.localRevision(), attempt, error.cause().toString());
		}
	}

	/**
	 * Return the cause a future failed with, without the wrappers futures add.
	 * @param failure what the future failed with
	 * @return the innermost cause that is not a {@link CompletionException} or
	 * {@link ExecutionException}
	 */
	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

}
