package io.github.statesync.boot.rest;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.engine.SyncThreads;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.SyncCodec;
import io.github.statesync.jackson.JacksonSyncCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Makes the {@link RestSnapshotProvider} of each topic whose snapshots come over HTTP.
 * Blocking calls run on a small pool of its own ({@code statesync-rest-N}), never on the
 * engine's scheduler; topics with the same fetch timeout share one HTTP client.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RestSnapshotProviders
		implements Function<TopicSettings, SnapshotProvider<JsonNode>>, DisposableBean {

	private static final int THREADS = 4;

	private final RestClient.Builder builder;

	private final JsonMapper mapper;

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
		this.builder = builder;
		this.mapper = mapper;
	}

	/**
	 * Make the provider of a topic.
	 * @param settings the topic's settings: its owner's URL, fetch timeout and payload
	 * limit
	 * @return the provider
	 */
	@Override
	public SnapshotProvider<JsonNode> apply(TopicSettings settings) {
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
