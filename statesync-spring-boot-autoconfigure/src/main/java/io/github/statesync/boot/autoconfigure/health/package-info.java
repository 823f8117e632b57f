/**
 * Auto-configuration of the {@code statesync} health contributor.
 */
@NullMarked
package io.github.statesync.boot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
