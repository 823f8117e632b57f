package io.github.statesync.boot.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.statesync.boot.web.InvalidationStreams;
import io.github.statesync.boot.web.TopicReadAuthorizer;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The snapshot endpoint and the event stream of a WebFlux application: the same answers,
 * frames and bounds as on Spring MVC.
 */
class StateSyncReactiveEventStreamIntegrationTests {

	private static final String ORIGIN = "https://app.example";

	private static final int MAX_STREAMS = 3;

	private static ConfigurableApplicationContext context;

	private static int port;

	private static InvalidationStreams streams;

	private static StatePublisher publisher;

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<SseTestClient> clients = new ArrayList<>();

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(ReactiveApplication.class).web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "statesync.transport=local", "statesync.rest.enabled=true",
					"statesync.rest.topics=settings,secret,empty", "statesync.topics.secret.provider=store",
					"statesync.topics.empty.provider=store", "statesync.rest.stream.heartbeat=200ms",
					"statesync.rest.stream.buffer-size=16", "statesync.rest.stream.max-streams=" + MAX_STREAMS,
					"statesync.rest.cors.allowed-origins=" + ORIGIN)
			.run();
		port = ((WebServerApplicationContext) context).getWebServer().getPort();
		streams = context.getBean(InvalidationStreams.class);
		publisher = context.getBean(StatePublisher.class);
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@AfterEach
	void closeClients() throws IOException {
		for (SseTestClient client : this.clients) {
			client.close();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() == 0);
	}

	@Test
	void streamsTheCurrentRevisionThenOneEventPerPublishInOrder() throws Exception {
		Revision before = publisher.publish("settings", Map.of("theme", "before"));
		SseTestClient client = open("/statesync/events?topics=settings", Map.of());
		await().until(() -> !client.events().isEmpty());
		assertThat(client.statusAndHeaders().get(0)).contains("200");
		assertThat(client.events().get(0).id()).isEqualTo("settings=" + before);
		List<Revision> published = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			published.add(publisher.publish("settings", Map.of("theme", "t" + i)));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> client.events().size() >= published.size() + 1);
		List<SseTestClient.Frame> events = client.events().subList(1, published.size() + 1);
		for (int i = 0; i < published.size(); i++) {
			assertThat(events.get(i).data())
				.isEqualTo("{\"topic\":\"settings\",\"revision\":\"" + published.get(i) + "\"}");
		}
		await().until(() -> client.comments().contains("ping"));
	}

	@Test
	void reconnectWithLastEventIdResyncsOnlyWhatChanged() throws Exception {
		Revision current = publisher.publish("settings", Map.of("theme", "connect"));
		SseTestClient upToDate = open("/statesync/events?topics=settings",
				Map.of("Last-Event-ID", "settings=" + current));
		await().until(() -> upToDate.comments().contains("ping"));
		assertThat(upToDate.events()).isEmpty();
	}

	@Test
	void aClientThatStopsReadingIsDroppedWhileAFastClientKeepsReceiving() throws Exception {
		SseTestClient slow = SseTestClient.openWithoutReading(port, "/statesync/events?topics=settings");
		this.clients.add(slow);
		SseTestClient fast = open("/statesync/events?topics=settings", Map.of());
		await().until(() -> streams.openStreams() == 2);
		long overflowed = streams.overflowedStreams();
		for (int i = 0; i < 100_000 && streams.overflowedStreams() == overflowed; i++) {
			Revision sent = publisher.publish("settings", Map.of("theme", "burst-" + i));
			if (i % 500 == 0) {
				await().atMost(Duration.ofSeconds(10)).until(() -> lastData(fast).contains("\"" + sent + "\""));
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> streams.overflowedStreams() == overflowed + 1);
		Revision after = publisher.publish("settings", Map.of("theme", "after"));
		await().atMost(Duration.ofSeconds(10)).until(() -> lastData(fast).contains("\"" + after + "\""));
	}

	@Test
	void refusalsAnswerBeforeStreaming() throws Exception {
		assertThat(get("/statesync/events?topics=flags", Map.of()).statusCode()).isEqualTo(404);
		assertThat(get("/statesync/events", Map.of()).statusCode()).isEqualTo(400);
		assertThat(get("/statesync/events?topics=secret", Map.of()).statusCode()).isEqualTo(403);
		assertThat(get("/statesync/topics/secret", Map.of()).statusCode()).isEqualTo(403);
		for (int i = 0; i < MAX_STREAMS; i++) {
			open("/statesync/events?topics=settings", Map.of());
		}
		await().until(() -> streams.openStreams() == MAX_STREAMS);
		HttpResponse<String> refused = get("/statesync/events?topics=settings", Map.of());
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
	}

	@Test
	void snapshotEndpointAnswersRevisionZeroThenTheEnvelopeAnd304() throws Exception {
		HttpResponse<String> empty = get("/statesync/topics/empty", Map.of());
		assertThat(empty.statusCode()).isEqualTo(200);
		assertThat(empty.body()).isEqualTo("{\"revision\":\"0\",\"data\":null}");
		Revision revision = publisher.publish("settings", Map.of("theme", "dark"));
		HttpResponse<String> served = get("/statesync/topics/settings", Map.of("Origin", ORIGIN));
		assertThat(served.body()).startsWith("{\"revision\":\"" + revision + "\",\"data\":{");
		assertThat(served.headers().firstValue("ETag")).hasValue("\"" + revision + "\"");
		assertThat(served.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
		assertThat(served.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
			.containsIgnoringCase("ETag");
		assertThat(get("/statesync/topics/settings", Map.of("If-None-Match", "\"" + revision + "\"")).statusCode())
			.isEqualTo(304);
		HttpResponse<String> preflight = this.http.send(HttpRequest.newBuilder(uri("/statesync/topics/settings"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", ORIGIN)
			.header("Access-Control-Request-Method", "GET")
			.header("Access-Control-Request-Headers", "if-none-match")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(preflight.statusCode()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
	}

	private static String lastData(SseTestClient client) {
		List<SseTestClient.Frame> events = client.events();
		return events.isEmpty() ? "" : events.get(events.size() - 1).data();
	}

	private SseTestClient open(String path, Map<String, String> headers) throws IOException {
		SseTestClient client = SseTestClient.open(port, path, headers);
		this.clients.add(client);
		return client;
	}

	private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
		headers.forEach(request::header);
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(String path) {
		return URI.create("http://localhost:" + port + path);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TestTopics.SettingsConfiguration.class)
	static class ReactiveApplication {

		@Bean
		TopicReadAuthorizer apiKeyForSecret() {
			return (topic, principal, headers) -> !topic.equals("secret")
					|| "letmein".equals(headers.getFirst("X-Api-Key"));
		}

	}

}
