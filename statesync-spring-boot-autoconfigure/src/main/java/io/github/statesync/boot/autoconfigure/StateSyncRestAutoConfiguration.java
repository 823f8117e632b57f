package io.github.statesync.boot.autoconfigure;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.boot.rest.RestSnapshotProvider;
import io.github.statesync.boot.rest.TopicSnapshotEndpoint;
import io.github.statesync.boot.topic.SyncedTopicRegistry;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.spi.SyncCodec;
import io.github.statesync.jackson.JacksonSyncCodec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Auto-configuration of snapshots over HTTP: the provider for topics with
 * {@code statesync.topics.<topic>.provider=rest}, and, with
 * {@code statesync.rest.enabled=true} in a servlet web application, the endpoint serving
 * this node's topics.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(before = StateSyncAutoConfiguration.class,
		afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnBooleanProperty(name = "statesync.enabled", matchIfMissing = true)
@ConditionalOnClass({ RestClient.class, JacksonSyncCodec.class })
public final class StateSyncRestAutoConfiguration {

	@Bean
	RestProviders stateSyncRestProviders(ObjectProvider<RestClient.Builder> builder,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new RestProviders(builder.getIfAvailable(RestClient::builder),
				StateSyncAutoConfiguration.mapper(jsonMapper));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(RouterFunction.class)
	@ConditionalOnBooleanProperty("statesync.rest.enabled")
	static class EndpointConfiguration {

		@Bean
		SmartInitializingSingleton stateSyncServedTopicsCheck(SyncedTopicRegistry registry,
				StateSyncProperties properties) {
			return () -> {
				Set<String> known = new TreeSet<>(registry.topics());
				known.addAll(properties.getTopics().keySet());
				for (String served : properties.getRest().getTopics()) {
					if (!known.contains(served)) {
						throw new InvalidStateSyncConfigurationException("statesync.rest.topics", served,
								"not a topic this application follows (no @SyncedTopic bean and no statesync.topics."
										+ served + ".*); known topics: " + known);
					}
				}
			};
		}

		@Bean
		RouterFunction<ServerResponse> stateSyncTopicRoutes(SyncedTopicRegistry registry,
				ObjectProvider<JsonMapper> jsonMapper, StateSyncProperties properties) {
			return new TopicSnapshotEndpoint(registry, StateSyncAutoConfiguration.mapper(jsonMapper),
					properties.getRest().getTopics())
				.routes();
		}

	}

	/**
	 * Makes a {@link RestSnapshotProvider} per topic; blocking calls run on a small pool
	 * of its own, never on the engine's scheduler.
	 */
	static final class RestProviders implements RestProviderFactory, DisposableBean {

		private final RestClient.Builder builder;

		private final JsonMapper mapper;

		private final ExecutorService executor;

		// One client per distinct timeout, not one per topic: every JDK HttpClient
		// has a selector thread of its own.
		private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

		RestProviders(RestClient.Builder builder, JsonMapper mapper) {
			this.builder = builder;
			this.mapper = mapper;
			AtomicInteger count = new AtomicInteger();
			ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
					(runnable) -> {
						Thread thread = new Thread(runnable, "statesync-rest-" + count.incrementAndGet());
						thread.setDaemon(true);
						return thread;
					});
			pool.allowCoreThreadTimeOut(true);
			this.executor = pool;
		}

		@Override
		public RestSnapshotProvider apply(TopicSettings settings) {
			Duration timeout = settings.options().fetchTimeout();
			HttpClient httpClient = this.clients.computeIfAbsent(timeout,
					(connectTimeout) -> HttpClient.newBuilder().connectTimeout(connectTimeout).build());
			JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
			requestFactory.setReadTimeout(timeout);
			RestClient client = this.builder.clone().requestFactory(requestFactory).build();
			SyncCodec codec = new JacksonSyncCodec(this.mapper, settings.maxPayloadBytes(),
					JacksonSyncCodec.DEFAULT_MAX_NESTING_DEPTH);
			return new RestSnapshotProvider(client, settings.restUrl(), codec, this.executor);
		}

		@Override
		public void destroy() {
			this.executor.shutdownNow();
		}

	}

}
