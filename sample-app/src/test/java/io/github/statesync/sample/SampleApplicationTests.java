package io.github.statesync.sample;

import java.util.Map;

import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "statesync.redis.publish-timeout=1s", "spring.data.redis.timeout=500ms" })
class SampleApplicationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", () -> redis.server().port());
	}

	private RestClient http() {
		return RestClient.create("http://localhost:" + this.port);
	}

	@Test
	void putPublishesAndGetServesTheNewRevisionAndData() {
		Map<?, ?> put = http().put()
			.uri("/settings")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"theme\":\"dark\",\"maxUploadMb\":25,\"features\":{\"beta\":true}}")
			.retrieve()
			.body(Map.class);
		Map<?, ?> get = http().get().uri("/settings").retrieve().body(Map.class);
		assertThat(get.get("revision")).isEqualTo(put.get("revision"));
		assertThat(get.get("data"))
			.isEqualTo(Map.of("theme", "dark", "maxUploadMb", 25, "features", Map.of("beta", true)));
	}

	@Test
	void invalidBodyAnswers400WithTheReasonAndPublishesNothing() {
		Object before = http().get().uri("/settings").retrieve().body(Map.class).get("revision");
		String invalid = put("{\"theme\":\"\",\"maxUploadMb\":0,\"features\":{}}", HttpStatus.BAD_REQUEST);
		assertThat(invalid).contains("maxUploadMb must be greater than or equal to 1")
			.contains("theme must not be blank");
		assertThat(put("not json", HttpStatus.BAD_REQUEST)).contains("not a settings JSON document");
		assertThat(put("{\"theme\":\"dark\"}", HttpStatus.BAD_REQUEST)).contains("maxUploadMb must not be null");
		assertThat(http().get().uri("/settings").retrieve().body(Map.class).get("revision")).isEqualTo(before);
	}

	@Test
	void storeDownAnswers503() {
		redis.server().stop();
		String body = put("{\"theme\":\"dark\",\"maxUploadMb\":25,\"features\":{}}", HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(body).contains("store is unavailable");
	}

	private String put(String body, HttpStatus expected) {
		return http().put()
			.uri("/settings")
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.exchange((request, response) -> {
				HttpStatusCode status = response.getStatusCode();
				assertThat(status).isEqualTo(expected);
				return new String(response.getBody().readAllBytes());
			});
	}

}
