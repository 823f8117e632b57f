/**
 * The sync engine: one {@link io.github.statesync.core.engine.SyncHandle} per topic keeps
 * local state on the newest canonical snapshot, coalescing, throttling and retrying
 * fetches, on a small shared {@link io.github.statesync.core.engine.SyncScheduler}.
 */
@NullMarked
package io.github.statesync.core.engine;

import org.jspecify.annotations.NullMarked;
