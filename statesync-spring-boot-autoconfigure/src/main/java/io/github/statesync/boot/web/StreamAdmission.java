package io.github.statesync.boot.web;

import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * What the Spring MVC and WebFlux event stream endpoints decide alike before streaming:
 * which topics a request names, and whether it may open a stream ({@code 400} without
 * topics or with too many, {@code 404} for a topic not served, {@code 403} when the
 * {@link TopicReadAuthorizer} refuses one, {@code 503} when every slot is taken).
 *
 * @author statesync
 */
final class StreamAdmission {

	/** The most topics one stream may follow. */
	static final int MAX_TOPICS = 256;

	private StreamAdmission() {
	}

	/**
	 * Return the topics the query parameters name, comma-separated or repeated, without
	 * blanks or repeats, in the order first named.
	 * @param parameters the values of the {@code topics} parameter
	 * @return the topics
	 */
	static List<String> topics(List<String> parameters) {
		Set<String> topics = new LinkedHashSet<>();
		for (String parameter : parameters) {
			for (String topic : parameter.split(",")) {
				if (!topic.isBlank()) {
					topics.add(topic.trim());
				}
			}
		}
		return new ArrayList<>(topics);
	}

	/**
	 * Check a request and, when it may stream, reserve its slot among the streams.
	 * @param streams the streams
	 * @param authorizer decides whether the caller may read each topic
	 * @param topics the topics the request names
	 * @param principal the caller, if known
	 * @param headers the request's headers
	 * @return {@code null} when a slot was reserved (the caller must open a stream on it
	 * or release it), otherwise why the request may not stream
	 */
	static @Nullable Refusal admit(InvalidationStreams streams, TopicReadAuthorizer authorizer, List<String> topics,
			@Nullable Principal principal, HttpHeaders headers) {
		if (topics.isEmpty() || topics.size() > MAX_TOPICS) {
			return new Refusal(HttpStatus.BAD_REQUEST, "name between 1 and " + MAX_TOPICS + " topics: "
					+ EventStreamEndpoint.PATH + "?" + EventStreamEndpoint.TOPICS_PARAMETER + "=a,b");
		}
		for (String topic : topics) {
			if (!streams.served().isServed(topic)) {
				return new Refusal(HttpStatus.NOT_FOUND, "topic '" + topic + "' is not served here");
			}
		}
		for (String topic : topics) {
			if (!authorizer.canRead(topic, principal, headers)) {
				return new Refusal(HttpStatus.FORBIDDEN, "not allowed to read topic '" + topic + "'");
			}
		}
		if (!streams.reserve()) {
			return new Refusal(HttpStatus.SERVICE_UNAVAILABLE, "too many event streams on this node");
		}
		return null;
	}

	/**
	 * Why a request may not stream.
	 *
	 * @param status the answer's status
	 * @param message the answer's {@code error}, naming nothing the caller did not name
	 */
	record Refusal(HttpStatus status, String message) {

		/**
		 * Return whether the client should try again later ({@code Retry-After}).
		 * @return {@code true} for {@code 503}
		 */
		boolean retryLater() {
			return this.status == HttpStatus.SERVICE_UNAVAILABLE;
		}

	}

}
