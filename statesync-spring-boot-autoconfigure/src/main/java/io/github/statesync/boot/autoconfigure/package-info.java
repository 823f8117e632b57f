/**
 * Auto-configuration for statesync: configuration properties, the auto-configurations,
 * and the failure analysis of bad configuration.
 */
@NullMarked
package io.github.statesync.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
