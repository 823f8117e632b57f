/**
 * The transports: Redis, and a Spring Messaging channel with an in-memory store inside
 * one JVM.
 */
@NullMarked
package io.github.statesync.boot.transport;

import org.jspecify.annotations.NullMarked;
