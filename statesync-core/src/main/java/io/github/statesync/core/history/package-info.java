/**
 * A topic's recent past: {@link io.github.statesync.core.history.StateHistory} lists the
 * last snapshots a topic was published at, with who wrote them, and publishes an earlier
 * one again as a new revision (rollback). Transports that keep history implement
 * {@link io.github.statesync.core.history.HistoryStore}.
 */
@NullMarked
package io.github.statesync.core.history;

import org.jspecify.annotations.NullMarked;
