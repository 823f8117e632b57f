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
 * The event stream on a real servlet server, over the in-JVM transport: ordering, resync
 * on connect and reconnect, heartbeats, bounds (slow client, maximum streams), refusals,
 * CORS and the answer for a topic nothing was written to yet.
 */
class StateSyncEventStreamIntegrationTests {

	private static final String ORIGIN = "https://app.example";

	private static final int MAX_STREAMS = 6;

	private static ConfigurableApplicationContext context;

	private static int port;

	private static InvalidationStreams streams;

	private static StatePublisher publisher;

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<SseTestClient> clients = new ArrayList<>();

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(StreamApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "statesync.transport=local", "statesync.rest.enabled=true",
					"statesync.rest.topics=settings,secret,empty", "statesync.topics.secret.provider=store",
					"statesync.topics.empty.provider=store", "statesync.topics.flags.provider=store",
					"statesync.rest.stream.heartbeat=200ms", "statesync.rest.stream.buffer-size=16",
					"statesync.rest.stream.max-streams=" + MAX_STREAMS, "statesync.rest.cors.allowed-origins=" + ORIGIN)
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
		// the server notices a client gone at its next heartbeat
		await().atMost(Duration.ofSeconds(10)).until(() -> streams.openStreams() == 0);
	}

	@Test
	void streamsOneEventPerPublishInOrderAsTheProtocolsInvalidationJson() throws Exception {
		Revision before = publisher.publish("settings", Map.of("theme", "before"));
		SseTestClient client = open("/statesync/events?topics=settings", Map.of());
		// first the resync to the current revision
		await().until(() -> !client.events().isEmpty());
		assertThat(client.events().get(0).id()).isEqualTo("settings=" + before);
		assertThat(client.statusAndHeaders().get(0)).contains("200");
		assertThat(client.statusAndHeaders())
			.anyMatch((header) -> header.toLowerCase().startsWith("content-type: text/event-stream"));
		List<Revision> published = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			published.add(publisher.publish("settings", Map.of("theme", "t" + i)));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> client.events().size() >= published.size() + 1);
		List<SseTestClient.Frame> events = client.events().subList(1, published.size() + 1);
		for (int i = 0; i < published.size(); i++) {
			Revision revision = published.get(i);
			assertThat(events.get(i).data()).isEqualTo("{\"topic\":\"settings\",\"revision\":\"" + revision + "\"}");
			assertThat(events.get(i).id()).isEqualTo("settings=" + revision);
		}
	}

	@Test
	void connectGivesTheCurrentRevisionAndReconnectResyncsWhatChangedSinceLastEventId() throws Exception {
		Revision current = publisher.publish("settings", Map.of("theme", "connect"));
		SseTestClient first = open("/statesync/events?topics=settings", Map.of());
		await().until(() -> !first.events().isEmpty());
		assertThat(first.events().get(0).data()).contains("\"revision\":\"" + current + "\"");
		String lastEventId = first.events().get(0).id();

		// told of the current revision already: nothing to resync
		SseTestClient upToDate = open("/statesync/events?topics=settings", Map.of("Last-Event-ID", lastEventId));
		await().until(() -> upToDate.comments().contains("ping"));
		assertThat(upToDate.events()).isEmpty();

		Revision next = publisher.publish("settings", Map.of("theme", "missed"));
		SseTestClient behind = open("/statesync/events?topics=settings", Map.of("Last-Event-ID", lastEventId));
		await().until(() -> !behind.events().isEmpty());
		assertThat(behind.events().get(0).data()).contains("\"revision\":\"" + next + "\"");
		// a malformed id is ignored: resynced as on a first connect
		SseTestClient garbled = open("/statesync/events?topics=settings", Map.of("Last-Event-ID", "settings=01&x"));
		await().until(() -> !garbled.events().isEmpty());
		assertThat(garbled.events().get(0).id()).isEqualTo("settings=" + next);
	}

	@Test
	void anEventsIdSaysWhatTheStreamAnnouncedOfEveryTopic() throws Exception {
		Revision settings = publisher.publish("settings", Map.of("theme", "multi"));
		Revision secret = publisher.publish("secret", Map.of("key", "value"));
		SseTestClient client = open("/statesync/events?topics=settings,secret", Map.of("X-Api-Key", "letmein"));
		await().until(() -> client.events().size() >= 2);
		assertThat(client.events().get(1).id()).isEqualTo("settings=" + settings + "&secret=" + secret);
	}

	@Test
	void heartbeatCommentsArriveOnAnIdleStream() throws Exception {
		SseTestClient client = open("/statesync/events?topics=empty", Map.of());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> client.comments().stream().filter("ping"::equals).count() >= 2);
		// nothing was written to the topic: no resync event
		assertThat(client.events()).isEmpty();
	}

	@Test
	void aClientThatStopsReadingIsDroppedWhileAFastClientKeepsReceiving() throws Exception {
		SseTestClient slow = SseTestClient.openWithoutReading(port, "/statesync/events?topics=settings");
		this.clients.add(slow);
		SseTestClient fast = open("/statesync/events?topics=settings", Map.of());
		await().until(() -> streams.openStreams() == 2);
		long overflowed = streams.overflowedStreams();
		Revision last = null;
		for (int i = 0; i < 100_000 && streams.overflowedStreams() == overflowed; i++) {
			last = publisher.publish("settings", Map.of("theme", "burst-" + i));
			if (i % 500 == 0) {
				Revision sent = last;
				// let the fast client keep up, so only the slow one falls behind
				await().atMost(Duration.ofSeconds(10)).until(() -> lastData(fast).contains("\"" + sent + "\""));
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> streams.overflowedStreams() == overflowed + 1);
		assertThat(streams.openStreams()).isEqualTo(1);
		Revision after = publisher.publish("settings", Map.of("theme", "after"));
		await().atMost(Duration.ofSeconds(10)).until(() -> lastData(fast).contains("\"" + after + "\""));
		assertThat(fast.ended()).isFalse();
	}

	@Test
	void aStreamOverTheMaximumAnswers503WithRetryAfter() throws Exception {
		for (int i = 0; i < MAX_STREAMS; i++) {
			open("/statesync/events?topics=settings", Map.of());
		}
		await().until(() -> streams.openStreams() == MAX_STREAMS);
		HttpResponse<String> refused = get("/statesync/events?topics=settings", Map.of());
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
	}

	@Test
	void aTopicNotServedAnswers404NamingNoOtherTopic() throws Exception {
		for (String topics : List.of("flags", "unknown", "settings,flags")) {
			HttpResponse<String> response = get("/statesync/events?topics=" + topics, Map.of());
			assertThat(response.statusCode()).isEqualTo(404);
			assertThat(response.body()).doesNotContain("secret").doesNotContain("empty");
		}
		assertThat(get("/statesync/topics/flags", Map.of()).statusCode()).isEqualTo(404);
		assertThat(get("/statesync/events", Map.of()).statusCode()).isEqualTo(400);
	}

	@Test
	void aCallerTheAuthorizerRefusesGets403FromTheStreamAndTheSnapshot() throws Exception {
		publisher.publish("secret", Map.of("key", "value"));
		assertThat(get("/statesync/events?topics=settings,secret", Map.of()).statusCode()).isEqualTo(403);
		assertThat(get("/statesync/topics/secret", Map.of()).statusCode()).isEqualTo(403);
		assertThat(get("/statesync/topics/secret", Map.of("X-Api-Key", "letmein")).statusCode()).isEqualTo(200);
	}

	@Test
	void aTopicNothingWasWrittenToAnswersRevisionZeroSoClientsCanStart() throws Exception {
		HttpResponse<String> response = get("/statesync/topics/empty", Map.of());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"revision\":\"0\",\"data\":null}");
		assertThat(response.headers().firstValue("ETag")).hasValue("\"0\"");
	}

	@Test
	void aPreflightWithIfNoneMatchFromAnAllowedOriginIsAnsweredAndETagIsExposed() throws Exception {
		HttpResponse<String> preflight = this.http.send(HttpRequest.newBuilder(uri("/statesync/topics/settings"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", ORIGIN)
			.header("Access-Control-Request-Method", "GET")
			.header("Access-Control-Request-Headers", "if-none-match")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(preflight.statusCode()).isEqualTo(200);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
			.containsIgnoringCase("if-none-match");
		assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("1800");
		HttpResponse<String> streamPreflight = this.http
			.send(HttpRequest.newBuilder(uri("/statesync/events?topics=settings"))
				.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
				.header("Origin", ORIGIN)
				.header("Access-Control-Request-Method", "GET")
				.header("Access-Control-Request-Headers", "last-event-id")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(streamPreflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);

		publisher.publish("settings", Map.of("theme", "cors"));
		HttpResponse<String> actual = get("/statesync/topics/settings", Map.of("Origin", ORIGIN));
		assertThat(actual.statusCode()).isEqualTo(200);
		assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
		assertThat(actual.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
			.containsIgnoringCase("ETag");
		HttpResponse<String> notModified = get("/statesync/topics/settings",
				Map.of("Origin", ORIGIN, "If-None-Match", actual.headers().firstValue("ETag").orElseThrow()));
		assertThat(notModified.statusCode()).isEqualTo(304);
		assertThat(notModified.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
	}

	@Test
	void anOriginNotListedIsRefused() throws Exception {
		HttpResponse<String> preflight = this.http.send(HttpRequest.newBuilder(uri("/statesync/topics/settings"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", "https://evil.example")
			.header("Access-Control-Request-Method", "GET")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(preflight.statusCode()).isEqualTo(403);
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(get("/statesync/topics/settings", Map.of("Origin", "https://evil.example")).statusCode())
			.isEqualTo(403);
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
	static class StreamApplication {

		@Bean
		TopicReadAuthorizer apiKeyForSecret() {
			return (topic, principal, headers) -> !topic.equals("secret")
					|| "letmein".equals(headers.getFirst("X-Api-Key"));
		}

	}

}
