/**
 * A runnable demo of statesync.
 */
@NullMarked
package io.github.statesync.sample;

import org.jspecify.annotations.NullMarked;
