/**
 * Bean infrastructure: the post-processor that puts {@code @SyncedTopic} beans behind
 * hot-swappable proxies, and the registrar of {@code SyncedValue} beans.
 * <p>
 * Internal: the public types here are public for the auto-configuration only and may
 * change without notice. Applications use {@code @SyncedTopic}, {@code SyncedValue}, the
 * {@code StatePublisher} bean and the contracts in
 * {@code io.github.statesync.boot.topic}.
 */
@NullMarked
package io.github.statesync.boot.bean;

import org.jspecify.annotations.NullMarked;
