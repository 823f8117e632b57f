/**
 * Auto-configuration of snapshots over HTTP: the REST provider and the endpoint that
 * serves this node's topics.
 */
@NullMarked
package io.github.statesync.boot.autoconfigure.rest;

import org.jspecify.annotations.NullMarked;
