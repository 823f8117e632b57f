/**
 * The transports: Redis, and a Spring Messaging channel with an in-memory store inside
 * one JVM.
 * <p>
 * Internal: the public types here are public for the auto-configuration only and may
 * change without notice. Applications use {@code @SyncedTopic}, {@code SyncedValue}, the
 * {@code StatePublisher} bean and the contracts in
 * {@code io.github.statesync.boot.topic}.
 */
@NullMarked
package io.github.statesync.boot.transport;

import org.jspecify.annotations.NullMarked;
