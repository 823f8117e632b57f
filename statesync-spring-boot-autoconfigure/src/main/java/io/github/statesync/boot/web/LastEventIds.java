package io.github.statesync.boot.web;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * The {@code id} of a stream's events: the revision the stream last announced of each of
 * its topics, as {@code topic=revision} pairs joined by {@code &} with the topics
 * form-encoded ({@code settings=42&pricing%3Aeu=7}). Whatever event a client saw last,
 * its id, sent back as {@code Last-Event-ID} on reconnect, says what the client was told
 * of every topic of the stream.
 *
 * @author statesync
 */
final class LastEventIds {

	private LastEventIds() {
	}

	static String format(Map<String, Revision> revisions) {
		StringJoiner id = new StringJoiner("&");
		revisions
			.forEach((topic, revision) -> id.add(URLEncoder.encode(topic, StandardCharsets.UTF_8) + "=" + revision));
		return id.toString();
	}

	/**
	 * Read a {@code Last-Event-ID}. A client sends back what it was given, so a part that
	 * does not parse was not ours: it is ignored, as is the whole header when absent, and
	 * the topic is then resynced as on a first connect.
	 * @param header the header, or {@code null}
	 * @return the revisions by topic, empty if none
	 */
	static Map<String, Revision> parse(@Nullable String header) {
		Map<String, Revision> revisions = new LinkedHashMap<>();
		if (header == null || header.isBlank() || header.length() > 8192) {
			return revisions;
		}
		for (String pair : header.trim().split("&")) {
			int equals = pair.lastIndexOf('=');
			if (equals <= 0) {
				continue;
			}
			try {
				String topic = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
				revisions.put(topic, Revision.parse(pair.substring(equals + 1)));
			}
			catch (IllegalArgumentException ex) {
				// not an id this server wrote: resync that topic as on a first connect
			}
		}
		return revisions;
	}

}
