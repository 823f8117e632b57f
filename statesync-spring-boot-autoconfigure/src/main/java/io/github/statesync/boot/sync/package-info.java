/**
 * The runtime of synced topics: the registry, the validate-then-swap applier, the
 * lifecycle that starts every topic before the web server takes traffic, and the
 * publisher that checks a write with the readers' rules before it leaves the node.
 * <p>
 * Internal: the public types here are public for the auto-configuration only and may
 * change without notice. Applications use {@code @SyncedTopic}, {@code SyncedValue}, the
 * {@code StatePublisher} bean and the contracts in
 * {@code io.github.statesync.boot.topic}.
 */
@NullMarked
package io.github.statesync.boot.sync;

import org.jspecify.annotations.NullMarked;
