/**
 * Whole-value checks before a publish: {@link PublishValidator} beans compare the state
 * about to be published with the topic's current state (a price table shrinking by half,
 * a flag set emptied) and refuse the publish before anything is written. A deliberate
 * change names the validators it overrides through
 * {@link ValidatingStatePublisher#skipping(String, String...)}.
 */
@NullMarked
package io.github.statesync.boot.validate;

import org.jspecify.annotations.NullMarked;
