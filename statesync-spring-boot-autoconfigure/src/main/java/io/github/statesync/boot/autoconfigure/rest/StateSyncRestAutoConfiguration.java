package io.github.statesync.boot.autoconfigure.rest;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.github.statesync.boot.autoconfigure.InvalidStateSyncConfigurationException;
import io.github.statesync.boot.autoconfigure.StateSyncAutoConfiguration;
import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.boot.rest.RestSnapshotProviders;
import io.github.statesync.boot.rest.TopicSnapshotEndpoint;
import io.github.statesync.boot.sync.EchoingStatePublisher;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.web.EventStreamEndpoint;
import io.github.statesync.boot.web.InvalidationStreams;
import io.github.statesync.boot.web.ServedTopics;
import io.github.statesync.boot.web.TopicReadAuthorizer;
import jakarta.servlet.AsyncContext;
import io.github.statesync.core.publish.StatePublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.filter.CorsFilter;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Auto-configuration of snapshots over HTTP: the provider for topics with
 * {@code statesync.topics.<topic>.provider=rest}, and, with
 * {@code statesync.rest.enabled=true} in a web application (Spring MVC or WebFlux), the
 * endpoint serving the topics listed in {@code statesync.rest.topics} (none until listed,
 * every topic with {@code *}), the event stream at {@code GET /statesync/events} (unless
 * {@code statesync.rest.stream.enabled=false}) and, once origins are listed under
 * {@code statesync.rest.cors}, cross-origin access to both. A {@link TopicReadAuthorizer}
 * bean decides per request who may read a topic. {@link StateSyncRestClientCustomizer}
 * beans tune each topic's client.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(before = StateSyncAutoConfiguration.class,
		afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnBooleanProperty(name = "statesync.enabled", matchIfMissing = true)
@ConditionalOnClass(RestClient.class)
@EnableConfigurationProperties(StateSyncProperties.class)
public final class StateSyncRestAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(StateSyncRestAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	RestSnapshotProviders stateSyncRestProviders(ObjectProvider<RestClient.Builder> builder,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<StateSyncRestClientCustomizer> customizers) {
		List<StateSyncRestClientCustomizer> ordered = customizers.orderedStream().toList();
		return new RestSnapshotProviders(builder.getIfAvailable(RestClient::builder),
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				(topic, client) -> ordered.forEach((customizer) -> customizer.customize(topic, client)));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication
	@ConditionalOnBooleanProperty("statesync.rest.enabled")
	@Import(StateSyncReactiveWebConfiguration.class)
	static class ServedTopicsConfiguration {

		@Bean
		SmartInitializingSingleton stateSyncServedTopicsCheck(SyncedTopicRegistry registry,
				StateSyncProperties properties) {
			return () -> {
				Set<String> known = new TreeSet<>(registry.topics());
				known.addAll(properties.getTopics().keySet());
				Set<String> served = properties.getRest().getTopics();
				if (served.contains(TopicSnapshotEndpoint.ALL_TOPICS)) {
					if (served.size() > 1) {
						throw new InvalidStateSyncConfigurationException("statesync.rest.topics", served,
								"'*' serves every topic and cannot be combined with topic names: list the topics, "
										+ "or set only '*'");
					}
					logger.info("Serving every topic this node follows over HTTP at {} (statesync.rest.topics=*): {}",
							TopicSnapshotEndpoint.PATH, known);
					return;
				}
				for (String topic : served) {
					if (!known.contains(topic)) {
						throw new InvalidStateSyncConfigurationException("statesync.rest.topics", topic,
								"not a topic this application follows (no @SyncedTopic bean and no statesync.topics."
										+ topic + ".*); known topics: " + known);
					}
				}
				if (served.isEmpty()) {
					logger.warn(
							"statesync.rest.enabled=true but no topic is served at {}: list the topics to "
									+ "serve in statesync.rest.topics (or '*' for every topic)",
							TopicSnapshotEndpoint.PATH);
				}
				else {
					logger.info("Serving topics {} over HTTP at {}", served, TopicSnapshotEndpoint.PATH);
				}
			};
		}

		@Bean
		@ConditionalOnMissingBean
		ServedTopics stateSyncServedTopics(SyncedTopicRegistry registry, StateSyncProperties properties) {
			return new ServedTopics(registry, properties.getRest().getTopics());
		}

		@Bean
		@ConditionalOnMissingBean
		TopicReadAuthorizer stateSyncTopicReadAuthorizer() {
			return TopicReadAuthorizer.allowAll();
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "statesync.rest.stream.enabled", matchIfMissing = true)
		InvalidationStreams stateSyncInvalidationStreams(ServedTopics served, StateSyncProperties properties) {
			StateSyncProperties.Rest.Stream stream = properties.getRest().getStream();
			return new InvalidationStreams(served, stream.getBufferSize(), stream.getMaxStreams(),
					stream.getHeartbeat());
		}

		@Bean
		TopicSnapshotEndpoint stateSyncTopicSnapshotEndpoint(ServedTopics served, ObjectProvider<JsonMapper> jsonMapper,
				StateSyncProperties properties, ObjectProvider<StatePublisher> publisher,
				TopicReadAuthorizer authorizer) {
			// read your writes: a request waits for this node's own publishes under way
			EchoingStatePublisher own = (publisher.getIfAvailable() instanceof EchoingStatePublisher echoing) ? echoing
					: null;
			return new TopicSnapshotEndpoint(served, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
					authorizer, own, properties.getRedis().getPublishTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(RouterFunction.class)
	@ConditionalOnBooleanProperty("statesync.rest.enabled")
	static class ServletConfiguration {

		@Bean
		RouterFunction<ServerResponse> stateSyncTopicRoutes(TopicSnapshotEndpoint endpoint) {
			return endpoint.routes();
		}

		@Bean
		@Conditional(OnCorsOriginsCondition.class)
		FilterRegistrationBean<CorsFilter> stateSyncCorsFilter(StateSyncProperties properties) {
			FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(
					StateSyncCors.filter(properties.getRest().getCors()));
			registration.setName("stateSyncCorsFilter");
			registration.addUrlPatterns(StateSyncCors.URL_PATTERNS);
			registration.setOrder(StateSyncCors.FILTER_ORDER);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ RouterFunction.class, AsyncContext.class })
	@ConditionalOnBooleanProperty("statesync.rest.enabled")
	@ConditionalOnBooleanProperty(name = "statesync.rest.stream.enabled", matchIfMissing = true)
	static class ServletStreamConfiguration {

		@Bean
		RouterFunction<ServerResponse> stateSyncEventRoutes(InvalidationStreams streams, TopicReadAuthorizer authorizer,
				ObjectProvider<JsonMapper> jsonMapper, StateSyncProperties properties) {
			return new EventStreamEndpoint(streams, authorizer,
					jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
					Math.max(1, properties.getRest().getStream().getRetryAfter().toSeconds()))
				.routes();
		}

	}

}
