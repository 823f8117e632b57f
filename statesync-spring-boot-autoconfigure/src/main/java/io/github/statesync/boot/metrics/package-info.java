/**
 * Micrometer meters of every topic.
 */
@NullMarked
package io.github.statesync.boot.metrics;

import org.jspecify.annotations.NullMarked;
