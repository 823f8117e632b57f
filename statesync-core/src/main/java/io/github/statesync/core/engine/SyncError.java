package io.github.statesync.core.engine;

import java.time.Duration;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * An error reported by a sync handle, with the context needed to understand it.
 *
 * @param topic the topic
 * @param phase where the error happened
 * @param cause what went wrong
 * @param localRevision the revision the handle held when it happened
 * @param eventRevision the highest revision announced by an event, if any event was seen
 * @param snapshotRevision the revision of the snapshot involved, if any
 * @param attempt the fetch attempt, counting from 1, or 0 outside a fetch
 * @param willRetry whether the engine retries by itself
 * @param nextDelay the delay before that retry, if it will retry
 * @author statesync
 * @since 0.1.0
 */
public record SyncError(String topic, SyncPhase phase, Throwable cause, Revision localRevision,
		@Nullable Revision eventRevision, @Nullable Revision snapshotRevision, int attempt, boolean willRetry,
		@Nullable Duration nextDelay) {

}
