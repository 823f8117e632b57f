package io.github.statesync.boot.web;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The event stream of {@link EventStreamEndpoint} on WebFlux: the same answers, frames
 * and bounds. A frame is emitted only on the response's demand (each one written and
 * flushed before the next is asked for), so a client that stops reading stops the demand,
 * its frames queue up to the buffer, and the stream is closed.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class ReactiveEventStreamEndpoint {

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
	public ReactiveEventStreamEndpoint(InvalidationStreams streams, TopicReadAuthorizer authorizer, JsonMapper mapper,
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
		return RouterFunctions.route().GET(EventStreamEndpoint.PATH, this::stream).build();
	}

	private Mono<ServerResponse> stream(ServerRequest request) {
		return request.principal()
			.map(Optional::<Principal>of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> stream(request, principal.orElse(null)));
	}

	private Mono<ServerResponse> stream(ServerRequest request, @Nullable Principal principal) {
		List<String> topics = StreamAdmission
			.topics(request.queryParams().getOrDefault(EventStreamEndpoint.TOPICS_PARAMETER, List.of()));
		HttpHeaders headers = request.headers().asHttpHeaders();
		StreamAdmission.Refusal refusal = StreamAdmission.admit(this.streams, this.authorizer, topics, principal,
				headers);
		if (refusal != null) {
			ServerResponse.BodyBuilder answer = ServerResponse.status(refusal.status())
				.contentType(MediaType.APPLICATION_JSON);
			if (refusal.retryLater()) {
				answer.header(HttpHeaders.RETRY_AFTER, Long.toString(this.retryAfterSeconds));
			}
			return answer.bodyValue(this.mapper.writeValueAsBytes(Map.of("error", refusal.message())));
		}
		Map<String, Revision> lastEventId = LastEventIds.parse(headers.getFirst("Last-Event-ID"));
		DataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
		Flux<DataBuffer> frames = Flux.create((sink) -> {
			FluxEventStream stream = new FluxEventStream(topics, lastEventId, this.streams, sink, buffers);
			sink.onRequest(stream::requested);
			sink.onDispose(() -> stream.close(EventStream.Closing.CLIENT));
			this.streams.open(stream);
		}, FluxSink.OverflowStrategy.ERROR);
		BodyInserter<Flux<DataBuffer>, ReactiveHttpOutputMessage> flushEach = (message, context) -> message
			.writeAndFlushWith(frames.map(Mono::just));
		return ServerResponse.ok()
			.contentType(new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.header("X-Accel-Buffering", "no")
			.body(flushEach);
	}

	/**
	 * A stream whose writes are the sink's emissions, one per unit of demand.
	 */
	static final class FluxEventStream extends EventStream {

		private final FluxSink<DataBuffer> sink;

		private final DataBufferFactory buffers;

		// guarded by this
		private long demand;

		FluxEventStream(List<String> topics, Map<String, Revision> lastEventId, InvalidationStreams owner,
				FluxSink<DataBuffer> sink, DataBufferFactory buffers) {
			super(topics, lastEventId, owner.bufferSize(), owner);
			this.sink = sink;
			this.buffers = buffers;
		}

		void requested(long count) {
			synchronized (this) {
				this.demand = (this.demand + count < 0) ? Long.MAX_VALUE : this.demand + count;
			}
			flushQueue();
		}

		@Override
		boolean canWrite() {
			return this.demand > 0;
		}

		@Override
		void write(byte[] frame) {
			this.demand--;
			this.sink.next(this.buffers.wrap(frame));
		}

		@Override
		void flush() {
		}

		@Override
		void end() {
			this.sink.complete();
		}

	}

}
