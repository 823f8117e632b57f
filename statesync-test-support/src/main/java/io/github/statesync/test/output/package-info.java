/**
 * Test support: a quiet console for a test run, with every test's output kept in a file
 * and a failed test's output printed next to its failure.
 */
@NullMarked
package io.github.statesync.test.output;

import org.jspecify.annotations.NullMarked;
