/**
 * The runtime of synced topics: the registry, the validate-then-swap applier, the
 * lifecycle that starts every topic before the web server takes traffic, and the
 * publisher that checks a write with the readers' rules before it leaves the node.
 */
@NullMarked
package io.github.statesync.boot.sync;

import org.jspecify.annotations.NullMarked;
