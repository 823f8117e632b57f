/**
 * Test support: a real {@code redis-server} process per test class, with fault injection.
 */
@NullMarked
package io.github.statesync.test.redis;

import org.jspecify.annotations.NullMarked;
