package io.github.statesync.boot.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.jackson.JacksonSyncCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST provider against a real HTTP server that answers what each test tells it.
 */
class RestSnapshotProviderTests {

	private static final int LIMIT = 64 * 1024;

	private final AtomicReference<Answer> answer = new AtomicReference<>();

	private final AtomicLong bytesSent = new AtomicLong();

	private HttpServer server;

	private RestSnapshotProvider provider;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", (exchange) -> this.answer.get().send(exchange, this.bytesSent));
		this.server.start();
		this.provider = new RestSnapshotProvider(RestClient.create(),
				URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/"),
				new JacksonSyncCodec(JsonMapper.builder().build(), LIMIT, JacksonSyncCodec.DEFAULT_MAX_NESTING_DEPTH),
				Runnable::run);
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	@Test
	void decodesTheOwnersEnvelope() {
		this.answer.set(Answer.body(200, "{\"revision\":\"7\",\"data\":{\"theme\":\"dark\"}}", true));
		SnapshotEnvelope<JsonNode> snapshot = this.provider.fetch("settings", Revision.ZERO).join();
		assertThat(snapshot.revision()).isEqualTo(Revision.of(7));
		assertThat(snapshot.data().get("theme").asString()).isEqualTo("dark");
	}

	@Test
	void notModifiedMeansUnchanged() {
		this.answer.set(Answer.body(304, "", false));
		assertThat(this.provider.fetch("settings", Revision.of(7)).join()).isNull();
	}

	@Test
	void serverErrorFailsTheFetch() {
		this.answer.set(Answer.body(503, "down", true));
		assertThat(this.provider.fetch("settings", Revision.ZERO)).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.withCauseInstanceOf(HttpServerErrorException.class);
	}

	@Test
	void refusesDeclaredBodyOverTheLimitWithoutReadingIt() {
		this.answer.set(Answer.huge(10 * 1024 * 1024, true));
		assertThat(this.provider.fetch("settings", Revision.ZERO)).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(ProtocolException.class)
			.withMessageContaining("is 10485760 bytes, over the payload limit of 65536 bytes");
	}

	@Test
	void stopsReadingAnUndeclaredBodyAtTheLimit() {
		this.answer.set(Answer.huge(10 * 1024 * 1024, false));
		assertThat(this.provider.fetch("settings", Revision.ZERO)).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(ProtocolException.class)
			.withMessageContaining("over the payload limit of 65536 bytes");
		assertThat(this.bytesSent.get()).isLessThan(10L * 1024 * 1024);
	}

	@FunctionalInterface
	interface Answer {

		void send(HttpExchange exchange, AtomicLong sent) throws IOException;

		static Answer body(int status, String body, boolean declareLength) {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			return (exchange, sent) -> {
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(status, (status == 304) ? -1 : (declareLength ? bytes.length : 0));
				try (OutputStream out = exchange.getResponseBody()) {
					if (status != 304) {
						out.write(bytes);
					}
				}
			};
		}

		static Answer huge(int size, boolean declareLength) {
			return (exchange, sent) -> {
				exchange.getResponseHeaders().set("Content-Type", "application/json");
				exchange.sendResponseHeaders(200, declareLength ? size : 0);
				byte[] chunk = new byte[8192];
				Arrays.fill(chunk, (byte) ' ');
				try (OutputStream out = exchange.getResponseBody()) {
					for (int written = 0; written < size; written += chunk.length) {
						out.write(chunk);
						sent.addAndGet(chunk.length);
					}
				}
				catch (IOException ex) {
					// the client hung up, as it should
				}
			};
		}

	}

}
