package io.github.statesync.boot.rest;

import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.sync.EchoingStatePublisher;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.boot.web.ServedTopics;
import io.github.statesync.boot.web.TopicReadAuthorizer;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Serves this node's current snapshot of a topic at {@code GET /statesync/topics/{topic}}
 * as {@code {"revision":"N","data":...}} (with {@code "schemaVersion"} before the data
 * when the topic declares a version above 1), with {@code ETag: "N"} and
 * {@code 304 Not Modified} when {@code If-None-Match} names the current revision. Only
 * the served topics are (see {@link ServedTopics}); the others answer {@code 404}, and a
 * caller the {@link TopicReadAuthorizer} refuses {@code 403}. A topic nothing was written
 * to yet answers {@code 200} with revision {@code "0"} ("nothing yet", which every
 * client's revision gate lets any write replace) and this node's current data: the bean's
 * defaults, or {@code null}; so a client starts and waits for the first write instead of
 * failing. A write of this node is served as soon as it is announced: a request waits for
 * the node's own publishes of the topic under way.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class TopicSnapshotEndpoint {

	/** The path, with the topic as its one variable. */
	public static final String PATH = "/statesync/topics/{topic}";

	/** The served topics that stands for every topic this node follows. */
	public static final String ALL_TOPICS = ServedTopics.ALL_TOPICS;

	private final ServedTopics served;

	private final SyncedTopicRegistry registry;

	private final JsonMapper mapper;

	private final TopicReadAuthorizer authorizer;

	private final @Nullable EchoingStatePublisher publisher;

	private final Duration publishWait;

	/**
	 * Create the endpoint.
	 * @param registry the topics
	 * @param mapper writes the data
	 * @param servedTopics the topics served: none when empty, every topic this node
	 * follows when it holds {@value #ALL_TOPICS}
	 */
	public TopicSnapshotEndpoint(SyncedTopicRegistry registry, JsonMapper mapper, Set<String> servedTopics) {
		this(new ServedTopics(registry, servedTopics), mapper, TopicReadAuthorizer.allowAll(), null, Duration.ZERO);
	}

	/**
	 * Create the endpoint, serving this node's own writes to whoever fetches on their
	 * announcement (read your writes): a request first waits, up to {@code publishWait},
	 * for the publishes of the topic this node began before it.
	 * @param served the topics served
	 * @param mapper writes the data
	 * @param authorizer decides per request whether the caller may read the topic
	 * @param publisher this node's publisher, or {@code null}
	 * @param publishWait the longest wait for a publish under way (a publish's timeout)
	 */
	public TopicSnapshotEndpoint(ServedTopics served, JsonMapper mapper, TopicReadAuthorizer authorizer,
			@Nullable EchoingStatePublisher publisher, Duration publishWait) {
		this.served = served;
		this.registry = served.registry();
		this.mapper = mapper;
		this.authorizer = authorizer;
		this.publisher = publisher;
		this.publishWait = publishWait;
	}

	/**
	 * Return the route.
	 * @return the router function
	 */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().GET(PATH, this::get).build();
	}

	static String etag(Revision revision) {
		return "\"" + revision + "\"";
	}

	private ServerResponse get(ServerRequest request) {
		Answer answer = read(request.pathVariable("topic"), request.principal().orElse(null),
				request.headers().asHttpHeaders());
		ServerResponse.BodyBuilder response = ServerResponse.status(answer.status());
		if (answer.etag() != null) {
			response.eTag(answer.etag());
		}
		byte[] body = answer.body();
		return (body != null) ? response.contentType(MediaType.APPLICATION_JSON).body(body) : response.build();
	}

	/**
	 * Answer a read of a topic, whatever the web stack. May wait for this node's own
	 * publishes of the topic under way: call it where blocking is allowed.
	 * @param topic the topic
	 * @param principal the authenticated caller, or {@code null}
	 * @param headers the request's headers
	 * @return the answer
	 */
	public Answer read(String topic, @Nullable Principal principal, HttpHeaders headers) {
		// closed by default: an empty list serves nothing
		if (!this.served.isServed(topic)) {
			return error(HttpStatus.NOT_FOUND, "topic '" + topic + "' is not served here");
		}
		if (!this.authorizer.canRead(topic, principal, headers)) {
			return error(HttpStatus.FORBIDDEN, "not allowed to read topic '" + topic + "'");
		}
		awaitOwnWrites(topic);
		// One atomic read: the data must belong to the revision it is labelled with.
		SyncedValue.Snapshot<?> current = this.registry.value(topic).snapshot();
		Revision revision = current.revision();
		// revision 0: nothing written yet; the data is this node's defaults (or null)
		Object data = current.value();
		String etag = etag(revision);
		String ifNoneMatch = headers.getFirst(HttpHeaders.IF_NONE_MATCH);
		if (ifNoneMatch != null && (ifNoneMatch.equals(etag) || ifNoneMatch.equals(revision.toString()))) {
			return new Answer(HttpStatus.NOT_MODIFIED, etag, null);
		}
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("revision", revision.toString());
		// the data is this node's bound value, so it has this node's schema version
		int schemaVersion = schemaVersion(topic);
		if (schemaVersion != SnapshotEnvelope.UNVERSIONED) {
			envelope.put("schemaVersion", schemaVersion);
		}
		envelope.put("data", (data != null) ? this.mapper.valueToTree(data) : null);
		return new Answer(HttpStatus.OK, etag, this.mapper.writeValueAsBytes(envelope));
	}

	private int schemaVersion(String topic) {
		TopicSettings settings = this.registry.settings(topic);
		return (settings != null) ? settings.schemaVersion() : SnapshotEnvelope.UNVERSIONED;
	}

	/**
	 * Redis announces a write of this node before the node hears the answer and applies
	 * it: a client fetching on that announcement must not be served the revision before.
	 */
	private void awaitOwnWrites(String topic) {
		EchoingStatePublisher own = this.publisher;
		if (own == null) {
			return;
		}
		try {
			own.awaitPublishes(topic, this.publishWait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Answer error(HttpStatus status, String message) {
		return new Answer(status, null, this.mapper.writeValueAsBytes(Map.of("error", message)));
	}

	/**
	 * The answer to a read.
	 *
	 * @param status the status
	 * @param etag the entity tag, or {@code null}
	 * @param body the JSON body, or {@code null} for none
	 */
	public record Answer(HttpStatus status, @Nullable String etag, byte @Nullable [] body) {

	}

}
