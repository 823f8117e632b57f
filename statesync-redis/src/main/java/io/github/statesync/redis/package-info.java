/**
 * The Redis transport: invalidations over pub/sub (one connection for every topic),
 * snapshots in Redis written atomically by one Lua script.
 */
@NullMarked
package io.github.statesync.redis;

import org.jspecify.annotations.NullMarked;
