package io.github.statesync.boot.autoconfigure;

import java.util.function.Function;

import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.spi.SnapshotProvider;
import tools.jackson.databind.JsonNode;

/**
 * Makes the provider of a topic whose snapshots come over HTTP.
 *
 * @author statesync
 */
interface RestProviderFactory extends Function<TopicSettings, SnapshotProvider<JsonNode>> {

}
