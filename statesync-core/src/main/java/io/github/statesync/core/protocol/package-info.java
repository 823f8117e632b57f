/**
 * The wire protocol shared with the TypeScript and Rust state-sync packages: canonical
 * unsigned 64-bit {@link io.github.statesync.core.protocol.Revision revisions},
 * {@link io.github.statesync.core.protocol.InvalidationEvent invalidation events} and
 * {@link io.github.statesync.core.protocol.SnapshotEnvelope snapshot envelopes}.
 */
@NullMarked
package io.github.statesync.core.protocol;

import org.jspecify.annotations.NullMarked;
