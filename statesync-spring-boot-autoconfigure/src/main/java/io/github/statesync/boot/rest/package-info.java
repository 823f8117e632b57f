/**
 * Snapshots over HTTP: a provider that fetches a topic from its owning service with
 * {@code RestClient}, and the endpoint that serves this node's topics.
 */
@NullMarked
package io.github.statesync.boot.rest;

import org.jspecify.annotations.NullMarked;
