package io.github.statesync.boot.autoconfigure.rest;

import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.boot.rest.ReactiveTopicSnapshotRoutes;
import io.github.statesync.boot.rest.TopicSnapshotEndpoint;
import io.github.statesync.boot.web.EventStreamEndpoint;
import io.github.statesync.boot.web.InvalidationStreams;
import io.github.statesync.boot.web.ReactiveEventStreamEndpoint;
import io.github.statesync.boot.web.TopicReadAuthorizer;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.PathContainer;
import org.springframework.web.cors.reactive.CorsWebFilter;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The snapshot endpoint, the event stream and CORS on WebFlux.
 *
 * @author statesync
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty("statesync.rest.enabled")
class StateSyncReactiveWebConfiguration {

	@Bean
	RouterFunction<ServerResponse> stateSyncReactiveTopicRoutes(TopicSnapshotEndpoint endpoint) {
		return new ReactiveTopicSnapshotRoutes(endpoint).routes();
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "statesync.rest.stream.enabled", matchIfMissing = true)
	RouterFunction<ServerResponse> stateSyncReactiveEventRoutes(InvalidationStreams streams,
			TopicReadAuthorizer authorizer, ObjectProvider<JsonMapper> jsonMapper, StateSyncProperties properties) {
		return new ReactiveEventStreamEndpoint(streams, authorizer,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				Math.max(1, properties.getRest().getStream().getRetryAfter().toSeconds()))
			.routes();
	}

	@Bean
	@Conditional(OnCorsOriginsCondition.class)
	StateSyncCorsWebFilter stateSyncCorsWebFilter(StateSyncProperties properties) {
		return new StateSyncCorsWebFilter(properties.getRest().getCors());
	}

	/**
	 * CORS on the two endpoints only (a {@link CorsWebFilter} alone would also end every
	 * other path's preflight), before Spring Security's filter chain.
	 */
	static final class StateSyncCorsWebFilter implements WebFilter, Ordered {

		private final CorsWebFilter cors;

		private final PathPattern topics = PathPatternParser.defaultInstance.parse(TopicSnapshotEndpoint.PATH);

		private final PathPattern events = PathPatternParser.defaultInstance.parse(EventStreamEndpoint.PATH);

		StateSyncCorsWebFilter(StateSyncProperties.Rest.Cors properties) {
			this.cors = new CorsWebFilter(StateSyncCors.reactiveSource(properties));
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
			if (this.topics.matches(path) || this.events.matches(path)) {
				return this.cors.filter(exchange, chain);
			}
			return chain.filter(exchange);
		}

		@Override
		public int getOrder() {
			return StateSyncCors.FILTER_ORDER;
		}

	}

}
