/**
 * Actuator support: the {@code statesync} endpoint and health contributor.
 */
@NullMarked
package io.github.statesync.boot.actuate;

import org.jspecify.annotations.NullMarked;
