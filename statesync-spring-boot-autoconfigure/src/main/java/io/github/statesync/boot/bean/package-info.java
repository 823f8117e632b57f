/**
 * Bean infrastructure: the post-processor that puts {@code @SyncedTopic} beans behind
 * hot-swappable proxies, and the registrar of {@code SyncedValue} beans.
 */
@NullMarked
package io.github.statesync.boot.bean;

import org.jspecify.annotations.NullMarked;
