/**
 * Runtime of the Spring integration: the registry of synced topics, the post-processor
 * that puts {@code @SyncedTopic} beans behind hot-swappable proxies, the
 * validate-then-swap applier and the lifecycle that starts every topic before the web
 * server takes traffic.
 */
@NullMarked
package io.github.statesync.boot.topic;

import org.jspecify.annotations.NullMarked;
