package io.github.statesync.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.github.statesync.test.redis.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "statesync.redis.publish-timeout=1s", "spring.data.redis.timeout=500ms",
				"statesync.topics.settings.max-payload-size=2KB",
				"sample.security.writer.password=test-writer-password",
				"sample.security.operator.password=test-operator-password" })
class SampleApplicationTests {

	private static final String[] WRITER = { "writer", "test-writer-password" };

	private static final String[] OPERATOR = { "operator", "test-operator-password" };

	private static final Path OBSERVABILITY = Path.of("..", "observability");

	private static final Pattern METRIC_NAME = Pattern.compile("statesync_[a-z_]+");

	private static final String SETTINGS = "{\"theme\":\"dark\",\"maxUploadMb\":25,\"features\":{\"beta\":true}}";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@LocalServerPort
	int port;

	@Autowired
	Environment environment;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", () -> redis.server().port());
	}

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.port);
	}

	@Test
	void writerPutsAndAnonymousGetServesTheNewRevisionAndData() {
		Answer put = exchange(HttpMethod.PUT, "/settings", WRITER, SETTINGS);
		assertThat(put.status()).isEqualTo(HttpStatus.OK);
		Map<?, ?> get = http().get().uri("/settings").retrieve().body(Map.class);
		assertThat(put.body()).isEqualTo("{\"revision\":\"" + get.get("revision") + "\"}");
		assertThat(get.get("data"))
			.isEqualTo(Map.of("theme", "dark", "maxUploadMb", 25, "features", Map.of("beta", true)));
	}

	@Test
	void anonymousPutAnswers401AndPublishesNothing() {
		Object before = revision();
		Answer put = exchange(HttpMethod.PUT, "/settings", null, SETTINGS);
		assertThat(put.status()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(put.wwwAuthenticate()).startsWith("Basic");
		assertThat(revision()).isEqualTo(before);
	}

	@Test
	void putWithAWrongPasswordAnswers401() {
		assertThat(exchange(HttpMethod.PUT, "/settings", new String[] { "writer", "guess" }, SETTINGS).status())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void operatorMayNotPutSettings() {
		assertThat(exchange(HttpMethod.PUT, "/settings", OPERATOR, SETTINGS).status()).isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void anonymousRefreshAnswers401() {
		assertThat(exchange(HttpMethod.POST, "/actuator/statesync/settings", null, null).status())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void writerMayNotRefresh() {
		assertThat(exchange(HttpMethod.POST, "/actuator/statesync/settings", WRITER, null).status())
			.isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void operatorRefreshes() {
		HttpStatusCode status = exchange(HttpMethod.POST, "/actuator/statesync/settings", OPERATOR, null).status();
		assertThat(status.is2xxSuccessful()).as("status %s", status).isTrue();
	}

	@Test
	void statesyncEndpointMetricsAndPrometheusAreForTheOperatorOnly() {
		for (String path : new String[] { "/actuator/statesync", "/actuator/statesync/settings", "/actuator/metrics",
				"/actuator/prometheus" }) {
			assertThat(exchange(HttpMethod.GET, path, null, null).status()).as(path).isEqualTo(HttpStatus.UNAUTHORIZED);
			assertThat(exchange(HttpMethod.GET, path, WRITER, null).status()).as(path).isEqualTo(HttpStatus.FORBIDDEN);
			assertThat(exchange(HttpMethod.GET, path, OPERATOR, null).status()).as(path).isEqualTo(HttpStatus.OK);
		}
	}

	@Test
	void everyMetricTheAlertRulesAndTheDashboardUseIsExported() throws IOException {
		put(SETTINGS, HttpStatus.OK);
		Set<String> referenced = new TreeSet<>();
		for (Path asset : List.of(OBSERVABILITY.resolve("prometheus/statesync-alerts.yml"),
				OBSERVABILITY.resolve("grafana/statesync-dashboard.json"))) {
			Matcher names = METRIC_NAME.matcher(Files.readString(asset));
			while (names.find()) {
				referenced.add(names.group());
			}
		}
		assertThat(referenced).contains("statesync_errors_events_total", "statesync_lag_seconds_bucket");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			Answer scrape = exchange(HttpMethod.GET, "/actuator/prometheus", OPERATOR, null);
			Set<String> exported = scrape.body()
				.lines()
				.filter((line) -> line.startsWith("statesync_"))
				.map((line) -> line.split("[{ ]", 2)[0])
				.collect(Collectors.toSet());
			assertThat(exported).containsAll(referenced);
		});
	}

	@Test
	void healthHidesDetailsFromAnonymousAndShowsThemToTheOperator() {
		// a test before this one may have stopped Redis: health is down until the node
		// has its pub/sub connection back
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(exchange(HttpMethod.GET, "/actuator/health", null, null).status())
				.isEqualTo(HttpStatus.OK));
		Answer anonymous = exchange(HttpMethod.GET, "/actuator/health", null, null);
		assertThat(anonymous.body()).contains("\"status\":\"UP\"").doesNotContain("components").doesNotContain("redis");
		Answer operator = exchange(HttpMethod.GET, "/actuator/health", OPERATOR, null);
		assertThat(operator.status()).isEqualTo(HttpStatus.OK);
		assertThat(operator.body()).contains("\"components\"").contains("\"statesync\"").contains("\"details\"");
	}

	@Test
	void anythingNotListedIsClosed() {
		assertThat(exchange(HttpMethod.GET, "/actuator/env", null, null).status()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(exchange(HttpMethod.DELETE, "/settings", null, null).status()).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void anonymousReadsTheLivePageUnderAContentSecurityPolicyOfItsOwnOrigin() {
		for (String path : SampleSecurityConfiguration.LIVE_PAGE) {
			Answer answer = exchange(HttpMethod.GET, path, null, null);
			assertThat(answer.status()).as(path).isEqualTo(HttpStatus.OK);
			assertThat(answer.contentSecurityPolicy()).as(path).contains("default-src 'self'");
		}
		assertThat(exchange(HttpMethod.GET, "/live.html", null, null).body()).contains("<script src=\"live.js\"");
	}

	@Test
	void anonymousReadsTheSettingsEnvelopeButNoOtherTopicAndCannotWriteThere() {
		put(SETTINGS, HttpStatus.OK);
		Answer envelope = exchange(HttpMethod.GET, "/statesync/topics/settings", null, null);
		assertThat(envelope.status()).isEqualTo(HttpStatus.OK);
		assertThat(envelope.body()).contains("\"revision\":\"" + revision() + "\"").contains("\"theme\":\"dark\"");
		assertThat(exchange(HttpMethod.GET, "/statesync/topics/secrets", null, null).status())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		// the stream's path is open, but it streams only the topics statesync.rest serves
		assertThat(exchange(HttpMethod.GET, "/statesync/events?topics=secrets", null, null).status())
			.isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(exchange(HttpMethod.GET, "/statesync/events?topics=settings,secrets", null, null).status())
			.isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(exchange(HttpMethod.PUT, "/statesync/topics/settings", null, SETTINGS).status())
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(exchange(HttpMethod.PUT, "/statesync/topics/settings", WRITER, SETTINGS).status())
			.isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void listensOnLoopbackOnlyUnlessConfigured() {
		assertThat(this.environment.getProperty("server.address")).isEqualTo("127.0.0.1");
	}

	@Test
	void invalidBodyAnswers400WithTheReasonAndPublishesNothing() {
		Object before = revision();
		String invalid = put("{\"theme\":\"\",\"maxUploadMb\":0,\"features\":{}}", HttpStatus.BAD_REQUEST);
		assertThat(invalid).contains("maxUploadMb must be greater than or equal to 1")
			.contains("theme must not be blank");
		assertThat(put("not json", HttpStatus.BAD_REQUEST)).contains("not a settings JSON document");
		assertThat(put("{\"theme\":\"dark\"}", HttpStatus.BAD_REQUEST)).contains("maxUploadMb must not be null");
		assertThat(revision()).isEqualTo(before);
	}

	@Test
	void settingsOverThePayloadLimitAnswer413WithTheReasonAndPublishNothing() {
		Object before = revision();
		String features = IntStream.range(0, 200)
			.mapToObj((i) -> "\"feature-" + i + "\":true")
			.collect(Collectors.joining(",", "{", "}"));
		String body = put("{\"theme\":\"dark\",\"maxUploadMb\":25,\"features\":" + features + "}",
				HttpStatus.CONTENT_TOO_LARGE);
		assertThat(body).contains("over the topic's payload limit").contains("max-payload-size");
		assertThat(revision()).isEqualTo(before);
	}

	@Test
	void storeDownAnswers503() {
		redis.server().stop();
		String body = put("{\"theme\":\"dark\",\"maxUploadMb\":25,\"features\":{}}", HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body).contains("Store unavailable");
	}

	private Object revision() {
		return http().get().uri("/settings").retrieve().body(Map.class).get("revision");
	}

	private String put(String body, HttpStatus expected) {
		Answer answer = exchange(HttpMethod.PUT, "/settings", WRITER, body);
		assertThat(answer.status()).isEqualTo(expected);
		return answer.body();
	}

	private Answer exchange(HttpMethod method, String path, String @Nullable [] credentials, @Nullable String body) {
		RestClient.RequestBodySpec request = http().method(method).uri(path).headers((headers) -> {
			if (credentials != null) {
				headers.setBasicAuth(credentials[0], credentials[1]);
			}
		});
		if (body != null) {
			request.contentType(MediaType.APPLICATION_JSON).body(body);
		}
		return request.exchange((req, response) -> new Answer(response.getStatusCode(),
				new String(response.getBody().readAllBytes()), response.getHeaders().getFirst("WWW-Authenticate"),
				response.getHeaders().getFirst("Content-Security-Policy")));
	}

	private record Answer(HttpStatusCode status, String body, @Nullable String wwwAuthenticate,
			@Nullable String contentSecurityPolicy) {

	}

}
