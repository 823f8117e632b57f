package io.github.statesync.boot.rest;

import java.security.Principal;
import java.util.Optional;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The snapshot endpoint on WebFlux: the same answers as {@link TopicSnapshotEndpoint}
 * (which decides them), read off the event loop because a read may wait for this node's
 * own publishes under way.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class ReactiveTopicSnapshotRoutes {

	private final TopicSnapshotEndpoint endpoint;

	/**
	 * Create the routes.
	 * @param endpoint decides the answers
	 */
	public ReactiveTopicSnapshotRoutes(TopicSnapshotEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/**
	 * Return the route.
	 * @return the router function
	 */
	public RouterFunction<ServerResponse> routes() {
		return RouterFunctions.route().GET(TopicSnapshotEndpoint.PATH, this::get).build();
	}

	private Mono<ServerResponse> get(ServerRequest request) {
		String topic = request.pathVariable("topic");
		return request.principal()
			.map(Optional::<Principal>of)
			.defaultIfEmpty(Optional.empty())
			.publishOn(Schedulers.boundedElastic())
			.map((principal) -> this.endpoint.read(topic, principal.orElse(null), request.headers().asHttpHeaders()))
			.flatMap((answer) -> {
				ServerResponse.BodyBuilder response = ServerResponse.status(answer.status());
				if (answer.etag() != null) {
					response.eTag(answer.etag());
				}
				byte[] body = answer.body();
				return (body != null) ? response.contentType(MediaType.APPLICATION_JSON).bodyValue(body)
						: response.build();
			});
	}

}
