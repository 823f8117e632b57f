/**
 * Invalidations relayed to the application's STOMP broker, for clients that prefer
 * WebSocket to the event stream.
 * <p>
 * Internal: the public types here are public for the auto-configuration only and may
 * change without notice.
 */
@NullMarked
package io.github.statesync.boot.stomp;

import org.jspecify.annotations.NullMarked;
