/**
 * The state-sync JSON protocol with Jackson 3: a strict codec for invalidation events and
 * snapshot envelopes, shared by every transport, the REST provider and the
 * last-known-good archive.
 */
@NullMarked
package io.github.statesync.jackson;

import org.jspecify.annotations.NullMarked;
