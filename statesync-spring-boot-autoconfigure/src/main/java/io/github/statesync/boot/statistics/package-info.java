/**
 * In-memory statistics of every topic: the one listener that counts what the engine
 * reports, read by the Actuator endpoint, the health contributor and the meters.
 */
@NullMarked
package io.github.statesync.boot.statistics;

import org.jspecify.annotations.NullMarked;
