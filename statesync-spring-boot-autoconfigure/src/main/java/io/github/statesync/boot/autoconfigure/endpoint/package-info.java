/**
 * Auto-configuration of the {@code statesync} Actuator endpoint.
 */
@NullMarked
package io.github.statesync.boot.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
