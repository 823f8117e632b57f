/**
 * Auto-configuration of the {@code statesync.*} Micrometer meters.
 */
@NullMarked
package io.github.statesync.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
