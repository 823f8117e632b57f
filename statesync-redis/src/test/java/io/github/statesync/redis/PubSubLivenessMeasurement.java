package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.test.redis.RedisServerExtension;
import io.github.statesync.test.redis.TcpProxy;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * Measures, with the default {@link PubSubLiveness}, how long a half-open pub/sub
 * connection goes unnoticed and how long until a write made when it went half-open is
 * applied. Not a test (it asserts nothing about time): run it on its own with
 * {@code -Dstatesync.measure=true -Dtest=PubSubLivenessMeasurement}.
 */
@EnabledIfSystemProperty(named = "statesync.measure", matches = "true")
class PubSubLivenessMeasurement {

	private static final int ROUNDS = Integer.getInteger("statesync.measure.rounds", 10);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void detectionAndRepairWithTheDefaults() {
		JacksonSyncCodec codec = new JacksonSyncCodec();
		try (TcpProxy proxy = TcpProxy.to(redis.server())) {
			LettuceConnectionFactory viaProxy = factory(proxy.host(), proxy.port());
			LettuceConnectionFactory direct = factory(redis.server().host(), redis.server().port());
			RedisInvalidationSubscriber subscriber = RedisInvalidationSubscriber.create(viaProxy, codec,
					RedisTopicKeys.DEFAULT, (container) -> {
					}, PubSubLiveness.DEFAULT);
			RedisSnapshotStore store = new RedisSnapshotStore(direct, codec, RedisTopicKeys.DEFAULT, "writer",
					Clock.systemUTC(), Duration.ofSeconds(2));
			store.publish("settings", Settings.of("start", 0));
			AtomicReference<@Nullable Settings> current = new AtomicReference<>();
			SyncHandle<Settings> handle = SyncHandle
				.<Settings>builder("settings", subscriber, store.provider(Settings.class),
						(snapshot) -> current.set(snapshot.data()))
				.build();
			handle.start().join();
			List<long[]> results = new ArrayList<>();
			for (int round = 1; round <= ROUNDS; round++) {
				await().atMost(Duration.ofSeconds(30)).until(subscriber::isConnected);
				// a random phase against the probe's timer
				long phase = ThreadLocalRandom.current().nextLong(PubSubLiveness.DEFAULT.interval().toMillis());
				await().pollDelay(Duration.ofMillis(phase)).atMost(Duration.ofSeconds(30)).until(() -> true);
				long failures = subscriber.livenessFailures();
				proxy.blackhole();
				long start = System.nanoTime();
				store.publish("settings", Settings.of("during", round));
				int expected = round;
				await().pollInterval(Duration.ofMillis(5))
					.atMost(Duration.ofSeconds(30))
					.until(() -> subscriber.livenessFailures() > failures);
				long detected = System.nanoTime() - start;
				await().pollInterval(Duration.ofMillis(5))
					.atMost(Duration.ofSeconds(30))
					.until(() -> current.get() != null && current.get().maxUploadMb() == expected);
				long repaired = System.nanoTime() - start;
				results.add(new long[] { TimeUnit.NANOSECONDS.toMillis(detected),
						TimeUnit.NANOSECONDS.toMillis(repaired) });
				System.out.printf("round %d: detected after %d ms, write applied after %d ms (repair %d ms)%n", round,
						results.get(round - 1)[0], results.get(round - 1)[1],
						results.get(round - 1)[1] - results.get(round - 1)[0]);
			}
			System.out.printf("detection ms: min %d max %d mean %d; repair (detection to applied) ms: max %d%n",
					results.stream().mapToLong((r) -> r[0]).min().getAsLong(),
					results.stream().mapToLong((r) -> r[0]).max().getAsLong(),
					(long) results.stream().mapToLong((r) -> r[0]).average().getAsDouble(),
					results.stream().mapToLong((r) -> r[1] - r[0]).max().getAsLong());
			handle.stop();
			subscriber.close();
			viaProxy.destroy();
			direct.destroy();
		}
	}

	private static LettuceConnectionFactory factory(String host, int port) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
