package com.example.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.test.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Quickstart as the README runs it: two instances of the application on one Redis,
 * writes through either, reads on both.
 */
class TwoInstancesTests {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static RedisServer redis;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	@BeforeAll
	static void start() {
		redis = RedisServer.start();
		first = instance();
		second = instance();
	}

	@AfterAll
	static void stop() {
		for (AutoCloseable running : new AutoCloseable[] { first, second, redis }) {
			try {
				if (running != null) {
					running.close();
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	@Test
	void aWriteThroughOneInstanceIsServedByTheOther() throws Exception {
		HttpResponse<String> written = send(first, "PUT", "/settings",
				"{\"theme\":\"dark\",\"maxUploadMb\":25,\"features\":{\"beta\":true}}");

		assertThat(written.statusCode()).isEqualTo(200);
		assertThat(written.body()).matches("\"[1-9][0-9]*\"");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(send(second, "GET", "/settings", null).body())
				.isEqualTo("{\"theme\":\"dark\",\"maxUploadMb\":25,\"features\":{\"beta\":true}}"));
	}

	@Test
	void featureSwitchesThroughBothInstancesAreAllKept() throws Exception {
		assertThat(send(first, "PUT", "/settings/features/search", "true").statusCode()).isEqualTo(200);
		assertThat(send(second, "PUT", "/settings/features/export", "true").statusCode()).isEqualTo(200);
		assertThat(send(first, "PUT", "/settings/features/legacy", "false").statusCode()).isEqualTo(200);

		for (ConfigurableApplicationContext instance : new ConfigurableApplicationContext[] { first, second }) {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(send(instance, "GET", "/settings", null).body())
					.contains("\"search\":true", "\"export\":true", "\"legacy\":false"));
		}
	}

	@Test
	void invalidSettingsAreRefusedAndNothingIsPublished() throws Exception {
		Revision before = settings(first).revision();

		HttpResponse<String> refused = send(first, "PUT", "/settings",
				"{\"theme\":\"\",\"maxUploadMb\":25,\"features\":{}}");

		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(settings(first).revision()).isEqualTo(before);
		assertThat(settings(first).get().theme()).isNotEmpty();
	}

	private static ConfigurableApplicationContext instance() {
		return new SpringApplicationBuilder(DemoApplication.class).run("--server.port=0",
				"--spring.data.redis.port=" + redis.port());
	}

	@SuppressWarnings("unchecked")
	private static SyncedValue<Settings> settings(ConfigurableApplicationContext instance) {
		return (SyncedValue<Settings>) instance
			.getBeanProvider(ResolvableType.forClassWithGenerics(SyncedValue.class, Settings.class))
			.getObject();
	}

	private static HttpResponse<String> send(ConfigurableApplicationContext instance, String method, String path,
			String body) throws Exception {
		int port = ((WebServerApplicationContext) instance).getWebServer().getPort();
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json");
		request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
