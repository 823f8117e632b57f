package io.github.statesync.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.github.statesync.test.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three sample-app JVMs, launched from the executable jar as separate processes, on one
 * real Redis: a change on one reaches the other two, also after their pub/sub connections
 * were killed. The instances take their users' passwords from the environment, as a
 * deployment would. One of them runs the code the build's {@code process-aot} generated
 * ({@code -Dspring.aot.enabled=true}), as an AOT-processed application or a native image
 * does.
 */
class SampleAppEndToEndTests {

	private static final String WRITER_PASSWORD = "e2e-writer-password";

	private static final String OPERATOR_PASSWORD = "e2e-operator-password";

	/** The instance started from the AOT-processed code; the others start as usual. */
	private static final int AOT_INSTANCE = 1;

	private static RedisServer redis;

	private static Path jar;

	private static final List<Instance> instances = new ArrayList<>();

	@BeforeAll
	static void startRedisAndThreeInstances() throws Exception {
		redis = RedisServer.start();
		jar = Path.of(System.getProperty("sample.jar", "target/sample-app-0.1.0-SNAPSHOT.jar"));
		assertThat(jar).exists();
		for (int i = 0; i < 3; i++) {
			instances.add(Instance.launch(jar, redis.port(), i, i == AOT_INSTANCE));
		}
		for (Instance instance : instances) {
			await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
				assertThat(instance.process.isAlive()).as("instance %d is alive, log: %s", instance.index, instance.log)
					.isTrue();
				return "UP"
					.equals(instance.http().get().uri("/actuator/health").retrieve().body(Map.class).get("status"));
			});
		}
	}

	@AfterAll
	static void stopEverything() {
		instances.forEach(Instance::stop);
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void changeOnOneInstanceReachesTheOthersAlsoAfterPubSubConnectionsAreKilled() {
		String revision = put(instances.get(0), "{\"theme\":\"dark\",\"maxUploadMb\":25,\"features\":{\"beta\":true}}");
		for (Instance instance : instances) {
			awaitServes(instance, revision,
					Map.of("theme", "dark", "maxUploadMb", 25, "features", Map.of("beta", true)));
		}

		assertThat(redis.killPubSubClients()).isEqualTo(3);
		String next = put(instances.get(1), "{\"theme\":\"blue\",\"maxUploadMb\":50,\"features\":{}}");
		for (Instance instance : instances) {
			awaitServes(instance, next, Map.of("theme", "blue", "maxUploadMb", 50, "features", Map.of()));
		}
	}

	@Test
	void instancesTakeTheirPasswordsFromTheEnvironmentAndRefuseAnonymousWrites() throws IOException {
		Instance instance = instances.get(2);
		HttpStatusCode anonymous = instance.http()
			.put()
			.uri("/settings")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"theme\":\"red\",\"maxUploadMb\":5,\"features\":{}}")
			.exchange((request, response) -> response.getStatusCode());
		assertThat(anonymous).isEqualTo(HttpStatus.UNAUTHORIZED);
		HttpStatusCode demoPassword = instance.http()
			.get()
			.uri("/actuator/statesync")
			.headers((headers) -> headers.setBasicAuth("operator", "demo-only-operator"))
			.exchange((request, response) -> response.getStatusCode());
		assertThat(demoPassword).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(Files.readString(instance.log)).doesNotContain("demo password");
	}

	@Test
	void instanceStartedFromTheAotProcessedCodeSyncsBothWaysWithTheOthers() throws IOException {
		Instance aot = instances.get(AOT_INSTANCE);
		Instance plain = instances.get(0);
		assertThat(Files.readString(aot.log)).contains("Starting AOT-processed SampleApplication");
		assertThat(Files.readString(plain.log)).doesNotContain("AOT-processed");
		String fromPlain = put(plain, "{\"theme\":\"aot-1\",\"maxUploadMb\":7,\"features\":{\"aot\":true}}");
		awaitServes(aot, fromPlain, Map.of("theme", "aot-1", "maxUploadMb", 7, "features", Map.of("aot", true)));
		String fromAot = put(aot, "{\"theme\":\"aot-2\",\"maxUploadMb\":8,\"features\":{}}");
		awaitServes(plain, fromAot, Map.of("theme", "aot-2", "maxUploadMb", 8, "features", Map.of()));
	}

	@Test
	void buildMadeWhatANativeImageNeeds() throws IOException {
		try (ZipFile archive = new ZipFile(jar.toFile())) {
			// the proxy of the @SyncedTopic bean, made at build time: a native image
			// cannot define classes at run time
			assertThat(archive.getEntry("BOOT-INF/classes/io/github/statesync/sample/Settings$$SpringCGLIB$$0.class"))
				.isNotNull();
			ZipEntry metadata = archive
				.getEntry("META-INF/native-image/io.github.statesync/sample-app/reachability-metadata.json");
			assertThat(metadata).isNotNull();
			// JSON may escape the slash
			String hints = new String(archive.getInputStream(metadata).readAllBytes(), StandardCharsets.UTF_8)
				.replace("\\/", "/");
			assertThat(hints).contains("\"io/github/statesync/redis/publish.lua\"",
					"\"io.github.statesync.sample.Settings$$SpringCGLIB$$0\"", "\"setMaxUploadMb\"");
		}
	}

	private static String put(Instance instance, String body) {
		Map<?, ?> answer = instance.http()
			.put()
			.uri("/settings")
			.headers((headers) -> headers.setBasicAuth("writer", WRITER_PASSWORD))
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.body(Map.class);
		return (String) answer.get("revision");
	}

	private static void awaitServes(Instance instance, String revision, Map<String, Object> data) {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			Map<?, ?> settings = instance.http().get().uri("/settings").retrieve().body(Map.class);
			assertThat(settings.get("revision")).as("instance %d", instance.index).isEqualTo(revision);
			assertThat(settings.get("data")).isEqualTo(data);
			Map<?, ?> endpoint = instance.http()
				.get()
				.uri("/actuator/statesync/settings")
				.headers((headers) -> headers.setBasicAuth("operator", OPERATOR_PASSWORD))
				.retrieve()
				.body(Map.class);
			assertThat(endpoint.get("revision")).isEqualTo(revision);
		});
	}

	/**
	 * One sample-app JVM.
	 */
	private record Instance(int index, Process process, int port, Path log) {

		static Instance launch(Path jar, int redisPort, int index, boolean aot) throws IOException {
			int port = freePort();
			Path log = Files.createTempFile("sample-app-" + index + "-", ".log");
			ProcessBuilder builder = new ProcessBuilder(
					Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
					"-XX:TieredStopAtLevel=1", "-Dspring.aot.enabled=" + aot, "-jar", jar.toString(),
					"--server.port=" + port, "--spring.data.redis.port=" + redisPort, "--sample.redis.fallback=false",
					"--statesync.node-id=e2e-" + index)
				.redirectErrorStream(true)
				.redirectOutput(log.toFile());
			builder.environment().put("SAMPLE_SECURITY_WRITER_PASSWORD", WRITER_PASSWORD);
			builder.environment().put("SAMPLE_SECURITY_OPERATOR_PASSWORD", OPERATOR_PASSWORD);
			Process process = builder.start();
			return new Instance(index, process, port, log);
		}

		RestClient http() {
			return RestClient.create("http://localhost:" + this.port);
		}

		void stop() {
			this.process.destroy();
			try {
				if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}

		private static int freePort() throws IOException {
			try (ServerSocket socket = new ServerSocket(0)) {
				return socket.getLocalPort();
			}
		}

	}

}
