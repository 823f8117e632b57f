/**
 * Reconciliation: every {@code statesync.reconcile-interval}, one read of the revision of
 * every followed topic from the store, and a refresh of the topics it shows this node
 * missed, because an invalidation was lost.
 * <p>
 * Internal: the public types here are public for the auto-configuration only and may
 * change without notice.
 */
@NullMarked
package io.github.statesync.boot.reconcile;

import org.jspecify.annotations.NullMarked;
