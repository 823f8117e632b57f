package io.github.statesync.boot.web;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.github.statesync.core.protocol.Revision;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Serves {@code GET /statesync/events?topics=a,b} on Spring MVC: a
 * {@code text/event-stream} of the protocol's invalidation JSON, one unnamed event per
 * revision this node applies of the requested topics, each with an {@code id} saying what
 * the stream announced of every topic (see {@code docs/browser.md}). On connect (and on
 * reconnect with {@code Last-Event-ID}) one event per topic with a snapshot carries its
 * current revision first; {@code : ping} comments keep the connection alive.
 * <p>
 * Before anything is streamed: {@code 400} without topics, {@code 404} for a topic not
 * served, {@code 403} when the {@link TopicReadAuthorizer} refuses one, and {@code 503}
 * with {@code Retry-After} when the maximum number of streams is open. The stream is an
 * asynchronous servlet response written in non-blocking mode: no thread per stream.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class EventStreamEndpoint {

	/** The path. */
	public static final String PATH = "/statesync/events";

	/** The query parameter naming the topics, comma-separated or repeated. */
	public static final String TOPICS_PARAMETER = "topics";

	private final InvalidationStreams streams;

	private final TopicReadAuthorizer authorizer;

	private final JsonMapper mapper;

	private final long retryAfterSeconds;

	/**
	 * Create the endpoint.
	 * @param streams the streams
	 * @param authorizer decides per request whether the caller may read a topic
	 * @param mapper writes error bodies
	 * @param retryAfterSeconds the {@code Retry-After} of a {@code 503}
	 */
	public EventStreamEndpoint(InvalidationStreams streams, TopicReadAuthorizer authorizer, JsonMapper mapper,
			long retryAfterSeconds) {
		this.streams = streams;
		this.authorizer = authorizer;
		this.mapper = mapper;
		this.retryAfterSeconds = retryAfterSeconds;
	}

	/**
	 * Return the route.
	 * @return the router function
	 */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().GET(PATH, this::stream).build();
	}

	private ServerResponse stream(ServerRequest request) {
		List<String> topics = StreamAdmission.topics(request.params().getOrDefault(TOPICS_PARAMETER, List.of()));
		HttpHeaders headers = request.headers().asHttpHeaders();
		StreamAdmission.Refusal refusal = StreamAdmission.admit(this.streams, this.authorizer, topics,
				request.principal().orElse(null), headers);
		if (refusal != null) {
			ServerResponse.BodyBuilder answer = ServerResponse.status(refusal.status())
				.contentType(MediaType.APPLICATION_JSON);
			if (refusal.retryLater()) {
				answer.header(HttpHeaders.RETRY_AFTER, Long.toString(this.retryAfterSeconds));
			}
			return answer.body(this.mapper.writeValueAsBytes(Map.of("error", refusal.message())));
		}
		return new StreamResponse(topics, LastEventIds.parse(headers.getFirst("Last-Event-ID")));
	}

	/**
	 * Starts the asynchronous response and hands it to the streams; Spring MVC renders
	 * nothing more.
	 */
	private final class StreamResponse implements ServerResponse {

		private final List<String> topics;

		private final Map<String, Revision> lastEventId;

		private final HttpHeaders headers = new HttpHeaders();

		StreamResponse(List<String> topics, Map<String, Revision> lastEventId) {
			this.topics = topics;
			this.lastEventId = lastEventId;
			this.headers
				.setContentType(new MediaType(MediaType.TEXT_EVENT_STREAM, java.nio.charset.StandardCharsets.UTF_8));
			this.headers.setCacheControl("no-store");
			// nginx and friends would otherwise buffer the stream
			this.headers.set("X-Accel-Buffering", "no");
		}

		@Override
		public HttpStatusCode statusCode() {
			return HttpStatus.OK;
		}

		@Override
		public HttpHeaders headers() {
			return this.headers;
		}

		@Override
		public MultiValueMap<String, Cookie> cookies() {
			return new LinkedMultiValueMap<>();
		}

		@Override
		public @Nullable ModelAndView writeTo(HttpServletRequest request, HttpServletResponse response, Context context)
				throws IOException {
			InvalidationStreams owner = EventStreamEndpoint.this.streams;
			ServletEventStream stream = null;
			try {
				response.setStatus(HttpStatus.OK.value());
				this.headers.forEach((name, values) -> values.forEach((value) -> response.addHeader(name, value)));
				AsyncContext async = request.startAsync(request, response);
				// heartbeats keep it open; shutdown and the client end it
				async.setTimeout(0);
				ServletOutputStream out = response.getOutputStream();
				stream = new ServletEventStream(this.topics, this.lastEventId, owner, async, out);
				async.addListener(stream);
				owner.open(stream);
				out.setWriteListener(stream);
				return null;
			}
			catch (IOException | RuntimeException ex) {
				if (stream != null) {
					stream.close(EventStream.Closing.CLIENT);
				}
				else {
					owner.release();
				}
				throw ex;
			}
		}

	}

}
