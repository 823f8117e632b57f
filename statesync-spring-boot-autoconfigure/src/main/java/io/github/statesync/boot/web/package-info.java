/**
 * Topics for browsers and other non-JVM clients: the event stream of applied revisions
 * ({@code GET /statesync/events}), which topics are served, and the per-request read
 * authorization ({@link io.github.statesync.boot.web.TopicReadAuthorizer}) that the
 * snapshot endpoint and the stream share.
 * <p>
 * Applications implement {@link io.github.statesync.boot.web.TopicReadAuthorizer}; the
 * other public types here are public for the auto-configuration and may change without
 * notice.
 */
@NullMarked
package io.github.statesync.boot.web;

import org.jspecify.annotations.NullMarked;
