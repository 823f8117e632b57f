/**
 * In-memory statistics of every topic: the one listener that counts what the engine
 * reports, read by the Actuator endpoint, the health contributor and the meters.
 * <p>
 * Internal: the public types here are public for the auto-configuration only and may
 * change without notice. Applications use {@code @SyncedTopic}, {@code SyncedValue}, the
 * {@code StatePublisher} bean and the contracts in
 * {@code io.github.statesync.boot.topic}.
 */
@NullMarked
package io.github.statesync.boot.statistics;

import org.jspecify.annotations.NullMarked;
