/**
 * Test support for the statesync engine without Spring: the
 * {@link io.github.statesync.test.engine.SyncEngineExtension} JUnit 5 extension and its
 * in-memory {@link io.github.statesync.test.engine.TestTopicSource}.
 */
@NullMarked
package io.github.statesync.test.engine;

import org.jspecify.annotations.NullMarked;
