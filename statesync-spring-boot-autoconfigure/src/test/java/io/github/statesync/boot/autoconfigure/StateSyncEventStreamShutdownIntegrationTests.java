package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.statesync.boot.web.InvalidationStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Open event streams end when the application shuts down, before the web server's
 * graceful shutdown waits for requests in progress (a stream never ends by itself).
 */
@ExtendWith(OutputCaptureExtension.class)
class StateSyncEventStreamShutdownIntegrationTests {

	@Test
	void streamsCloseBeforeGracefulShutdownWaitsForThem(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(
				StateSyncRestIntegrationTests.OwnerApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=20s",
					"statesync.transport=local", "statesync.rest.enabled=true", "statesync.rest.topics=settings")
			.run();
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		try (SseTestClient first = SseTestClient.open(port, "/statesync/events?topics=settings", Map.of());
				SseTestClient second = SseTestClient.open(port, "/statesync/events?topics=settings", Map.of())) {
			InvalidationStreams streams = context.getBean(InvalidationStreams.class);
			await().until(() -> streams.openStreams() == 2);
			context.close();
			await().atMost(Duration.ofSeconds(5)).until(() -> first.ended() && second.ended());
			assertThat(output).contains("Closed 2 event streams for shutdown")
				.contains("Graceful shutdown complete")
				.doesNotContain("Graceful shutdown aborted");
		}
		finally {
			context.close();
		}
	}

}
