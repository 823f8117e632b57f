package io.github.statesync.boot.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.test.redis.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client of another stack (the TypeScript state-sync packages, a browser) follows a
 * topic the way their clients do: on every invalidation it fetches the owner's REST
 * endpoint exactly once and never retries on a lagging answer. The owner must never serve
 * a revision older than one it has already announced.
 */
class StateSyncReadYourWritesIntegrationTests {

	private static final Pattern REVISION = Pattern.compile("\"revision\":\"(\\d+)\"");

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void aClientThatFetchesOncePerInvalidationEndsOnEveryWritesRevisionUnderBursts() throws Exception {
		List<Revision[]> fetches = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
		ExecutorService clientThreads = Executors.newFixedThreadPool(4);
		HttpClient http = HttpClient.newHttpClient();
		RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.server().port());
		try (ConfigurableApplicationContext owner = new SpringApplicationBuilder(
				StateSyncRestIntegrationTests.OwnerApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.data.redis.port=" + redis.server().port(),
					"statesync.rest.enabled=true", "statesync.rest.topics=settings")
			.run(); StatefulRedisPubSubConnection<String, String> events = client.connectPubSub()) {
			URI uri = URI.create("http://localhost:" + ((WebServerApplicationContext) owner).getWebServer().getPort()
					+ "/statesync/topics/settings");
			events.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					Revision announced = revision(message);
					pending.add(CompletableFuture.runAsync(
							() -> fetches.add(new Revision[] { announced, revision(get(http, uri)) }), clientThreads));
				}

			});
			events.sync().subscribe(RedisTopicKeys.DEFAULT.channel("settings"));
			StatePublisher publisher = owner.getBean(StatePublisher.class);
			int writes = 0;
			for (int burst = 0; burst < 4; burst++) {
				for (int i = 0; i < 40; i++) {
					publisher.publish("settings", Map.of("theme", "t" + burst + "-" + i));
					writes++;
				}
			}
			int expected = writes;
			await().atMost(Duration.ofSeconds(30)).until(() -> pending.size() == expected);
			CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			assertThat(fetches).hasSize(expected)
				.allSatisfy((fetch) -> assertThat(fetch[1]).as("served for the invalidation of %s", fetch[0])
					.isGreaterThanOrEqualTo(fetch[0]));
		}
		finally {
			client.shutdown();
			clientThreads.shutdownNow();
		}
	}

	private static Revision revision(String json) {
		Matcher matcher = REVISION.matcher(json);
		assertThat(matcher.find()).as(json).isTrue();
		return Revision.parse(matcher.group(1));
	}

	private static String get(HttpClient http, URI uri) {
		try {
			return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
