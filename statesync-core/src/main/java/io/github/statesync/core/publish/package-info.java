/**
 * The write path: {@link io.github.statesync.core.publish.StatePublisher} makes a topic's
 * new state canonical and announces it.
 */
@NullMarked
package io.github.statesync.core.publish;

import org.jspecify.annotations.NullMarked;
