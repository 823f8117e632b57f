/**
 * What a topic is made of and the contracts an application may replace: its resolved
 * settings, the transport, the validator of candidate states, and the resolver of
 * settings.
 */
@NullMarked
package io.github.statesync.boot.topic;

import org.jspecify.annotations.NullMarked;
