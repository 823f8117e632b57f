/**
 * Test support for Spring Boot applications that use statesync:
 * {@link io.github.statesync.boot.test.AutoConfigureStateSync @AutoConfigureStateSync}
 * and the {@link io.github.statesync.boot.test.StateSyncFixture} it provides.
 */
@NullMarked
package io.github.statesync.boot.test;

import org.jspecify.annotations.NullMarked;
