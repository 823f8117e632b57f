package io.github.statesync.boot.web;

import java.security.Principal;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * Decides, per request, whether a caller may read a served topic over HTTP: its snapshot
 * at {@code GET /statesync/topics/{topic}} and its events at
 * {@code GET /statesync/events}. A refused request answers {@code 403 Forbidden}; a
 * stream is refused as a whole when any of its topics is. Only topics listed in
 * {@code statesync.rest.topics} ever reach the authorizer: the others answer {@code 404}
 * first.
 * <p>
 * Define a bean of this type to replace the default, which allows every served topic.
 * Authentication itself belongs to the application's filter chain (Spring Security): the
 * principal given here is the one it established.
 *
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface TopicReadAuthorizer {

	/**
	 * Return whether the caller may read the topic.
	 * @param topic a served topic
	 * @param principal the authenticated caller, or {@code null} if anonymous
	 * @param headers the request's headers (for example an API key)
	 * @return {@code true} to serve, {@code false} to answer {@code 403}
	 */
	boolean canRead(String topic, @Nullable Principal principal, HttpHeaders headers);

	/**
	 * Return the authorizer that allows every served topic, the default.
	 * @return an authorizer that always allows
	 */
	static TopicReadAuthorizer allowAll() {
		return (topic, principal, headers) -> true;
	}

}
