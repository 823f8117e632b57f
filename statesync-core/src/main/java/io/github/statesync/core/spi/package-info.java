/**
 * The three parts a sync handle is built from: an
 * {@link io.github.statesync.core.spi.InvalidationSubscriber invalidation subscriber}, a
 * {@link io.github.statesync.core.spi.SnapshotProvider snapshot provider} and a
 * {@link io.github.statesync.core.spi.SnapshotApplier snapshot applier}. Transports
 * (Redis, REST, in-JVM) implement the first two; the Spring integration implements the
 * third.
 */
@NullMarked
package io.github.statesync.core.spi;

import org.jspecify.annotations.NullMarked;
