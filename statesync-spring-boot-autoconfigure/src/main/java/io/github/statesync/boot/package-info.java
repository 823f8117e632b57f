/**
 * What applications use: {@link io.github.statesync.boot.SyncedTopic @SyncedTopic} on a
 * bean, {@link io.github.statesync.boot.SyncedValue SyncedValue} for the latest immutable
 * snapshot, and the {@link io.github.statesync.boot.StateSyncAppliedEvent} published
 * after every apply.
 */
@NullMarked
package io.github.statesync.boot;

import org.jspecify.annotations.NullMarked;
