/**
 * Auto-configuration of the Redis transport.
 */
@NullMarked
package io.github.statesync.boot.autoconfigure.redis;

import org.jspecify.annotations.NullMarked;
