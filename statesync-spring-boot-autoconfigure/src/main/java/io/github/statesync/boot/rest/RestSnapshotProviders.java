package io.github.statesync.boot.rest;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.github.statesync.boot.support.Credentials;
import io.github.statesync.boot.topic.RestAuthentication;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.engine.SyncThreads;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.SyncCodec;
import io.github.statesync.jackson.JacksonSyncCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Makes the {@link RestSnapshotProvider} of each topic whose snapshots come over HTTP.
 * Blocking calls run on a small pool of its own ({@code statesync-rest-N}), never on the
 * engine's scheduler; topics with the same fetch timeout share one HTTP client. Each
 * topic's client sends the topic's {@link RestAuthentication}, then the customizer has
 * the last word.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RestSnapshotProviders
		implements Function<TopicSettings, SnapshotProvider<JsonNode>>, DisposableBean {

	private static final int THREADS = 4;

	private final RestClient.Builder builder;

	private final JsonMapper mapper;

	private final BiConsumer<String, RestClient.Builder> customizer;

	private final ExecutorService executor = SyncThreads.pool("statesync-rest-", THREADS);

	// One client per distinct timeout, not one per topic: every JDK HttpClient has a
	// selector thread of its own.
	private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

	/**
	 * Create the factory.
	 * @param builder the builder every topic's client starts from
	 * @param mapper the mapper that decodes snapshots
	 */
	public RestSnapshotProviders(RestClient.Builder builder, JsonMapper mapper) {
		this(builder, mapper, (topic, client) -> {
		});
	}

	/**
	 * Create the factory.
	 * @param builder the builder every topic's client starts from
	 * @param mapper the mapper that decodes snapshots
	 * @param customizer tunes each topic's client after the settings were applied, given
	 * the topic and the builder
	 */
	public RestSnapshotProviders(RestClient.Builder builder, JsonMapper mapper,
			BiConsumer<String, RestClient.Builder> customizer) {
		this.builder = builder;
		this.mapper = mapper;
		this.customizer = customizer;
	}

	/**
	 * Make the provider of a topic.
	 * @param settings the topic's settings: its owner's URL, authentication, fetch
	 * timeout and payload limit
	 * @return the provider
	 * @throws IllegalArgumentException if the topic has no URL, or one with credentials
	 */
	@Override
	public SnapshotProvider<JsonNode> apply(TopicSettings settings) {
		URI url = settings.restUrl();
		if (url == null) {
			throw new IllegalArgumentException("Topic '" + settings.topic() + "' has no URL to fetch from");
		}
		if (Credentials.hasUserInfo(url)) {
			// the same rule as the properties: a URL is shown in many places, a secret in
			// it would be too
			throw new IllegalArgumentException("The URL of topic '" + settings.topic() + "' (" + Credentials.mask(url)
					+ ") must not carry credentials: give them as the topic's RestAuthentication, or with a "
					+ "StateSyncRestClientCustomizer");
		}
		Duration timeout = settings.options().fetchTimeout();
		HttpClient httpClient = this.clients.computeIfAbsent(timeout,
				(connectTimeout) -> HttpClient.newBuilder().connectTimeout(connectTimeout).build());
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(timeout);
		RestClient.Builder clientBuilder = this.builder.clone().requestFactory(requestFactory);
		authenticate(clientBuilder, settings.restAuthentication());
		this.customizer.accept(settings.topic(), clientBuilder);
		RestClient client = clientBuilder.build();
		SyncCodec codec = new JacksonSyncCodec(this.mapper, settings.maxPayloadBytes(),
				JacksonSyncCodec.DEFAULT_MAX_NESTING_DEPTH);
		return new RestSnapshotProvider(client, url, codec, this.executor);
	}

	private static void authenticate(RestClient.Builder builder, @Nullable RestAuthentication authentication) {
		if (authentication instanceof RestAuthentication.Basic basic) {
			builder.defaultHeaders((headers) -> headers.setBasicAuth(basic.username(), basic.password()));
		}
		else if (authentication instanceof RestAuthentication.Bearer bearer) {
			builder.defaultHeaders((headers) -> headers.setBearerAuth(bearer.token()));
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
