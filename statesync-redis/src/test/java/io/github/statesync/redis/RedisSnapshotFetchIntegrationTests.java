package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotMissingException;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Fetches through the store's Lettuce reads: one connection of the factory's for every
 * read, replaced when the factory closes it, released when the store closes, and failing
 * as reads through the template fail.
 */
class RedisSnapshotFetchIntegrationTests {

	private static final String TOPIC = "settings";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@Test
	void fetchesHoldOneDedicatedConnectionWhenSharingIsOffAndCloseReleasesIt() {
		LettuceConnectionFactory factory = factory(false, Duration.ofSeconds(2));
		try {
			RedisSnapshotStore store = store(factory);
			Revision revision = store.publish(TOPIC, new Settings("dark", 1, Map.of()));
			long before = connectedClients();
			SnapshotProvider<Settings> provider = store.provider(Settings.class);
			for (int i = 0; i < 20; i++) {
				assertThat(provider.fetch(TOPIC, Revision.ZERO).join().revision()).isEqualTo(revision);
			}
			assertThat(connectedClients()).isEqualTo(before + 1);
			store.close();
			assertThat(connectedClients()).isEqualTo(before);
			assertThatExceptionOfType(CompletionException.class)
				.isThrownBy(() -> provider.fetch(TOPIC, Revision.ZERO).join())
				.withMessageContaining("closed");
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void fetchesGoOnAfterTheFactoryResetsItsSharedConnection() {
		LettuceConnectionFactory factory = factory(true, Duration.ofSeconds(2));
		try (RedisSnapshotStore store = store(factory)) {
			Revision revision = store.publish(TOPIC, new Settings("dark", 2, Map.of()));
			SnapshotProvider<Settings> provider = store.provider(Settings.class);
			assertThat(provider.fetch(TOPIC, Revision.ZERO).join().revision()).isEqualTo(revision);
			factory.resetConnection();
			// the read that finds the old connection closed fails; the next one takes
			// the factory's new connection
			provider.fetch(TOPIC, Revision.ZERO).exceptionally((ex) -> null).join();
			assertThat(provider.fetch(TOPIC, Revision.ZERO).join().revision()).isEqualTo(revision);
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void fetchOfALostSnapshotFailsAsMissingAndATimeoutAsSpringDataRedisNamesIt() {
		LettuceConnectionFactory factory = factory(true, Duration.ofMillis(300));
		try (RedisSnapshotStore store = store(factory)) {
			SnapshotProvider<Settings> provider = store.provider(Settings.class);
			assertThat(provider.fetch(TOPIC + "-never", Revision.ZERO).join()).isNull();
			assertThatExceptionOfType(CompletionException.class)
				.isThrownBy(() -> provider.fetch(TOPIC + "-never", Revision.of(3)).join())
				.withCauseInstanceOf(SnapshotMissingException.class);
			store.publish(TOPIC, new Settings("dark", 3, Map.of()));
			redis.server().pause();
			try {
				assertThatExceptionOfType(CompletionException.class)
					.isThrownBy(() -> provider.fetch(TOPIC, Revision.ZERO).join())
					.withCauseInstanceOf(QueryTimeoutException.class);
			}
			finally {
				redis.server().resume();
			}
			assertThat(provider.fetch(TOPIC, Revision.ZERO).join()).isNotNull();
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void aReactiveFactoryThatIsNotLettucesFetchesThroughTheTemplate() {
		LettuceConnectionFactory factory = factory(true, Duration.ofSeconds(2));
		try (RedisSnapshotStore store = new RedisSnapshotStore(new Delegating(factory), new JacksonSyncCodec(),
				RedisTopicKeys.DEFAULT, "a", Clock.systemUTC(), Duration.ofSeconds(2))) {
			Revision revision = store.publish(TOPIC, new Settings("light", 4, Map.of()));
			SnapshotEnvelope<Settings> envelope = store.<Settings>provider(Settings.class)
				.fetch(TOPIC, Revision.ZERO)
				.join();
			assertThat(envelope.revision()).isEqualTo(revision);
			assertThat(envelope.data()).isEqualTo(new Settings("light", 4, Map.of()));
		}
		finally {
			factory.destroy();
		}
	}

	private static RedisSnapshotStore store(LettuceConnectionFactory factory) {
		return new RedisSnapshotStore(factory, new JacksonSyncCodec(), RedisTopicKeys.DEFAULT, "a", Clock.systemUTC(),
				Duration.ofSeconds(2));
	}

	private static LettuceConnectionFactory factory(boolean share, Duration commandTimeout) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.server().host(), redis.server().port()),
				LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
		factory.setShareNativeConnection(share);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	private static long connectedClients() {
		String info = redis.server().command("INFO", "clients");
		for (String line : info.split("\r?\n")) {
			if (line.startsWith("connected_clients:")) {
				return Long.parseLong(line.substring("connected_clients:".length()).trim());
			}
		}
		throw new IllegalStateException("no connected_clients in " + info);
	}

	/**
	 * A reactive connection factory that is not a {@code LettuceConnectionFactory}.
	 */
	private record Delegating(ReactiveRedisConnectionFactory delegate) implements ReactiveRedisConnectionFactory {

		@Override
		public ReactiveRedisConnection getReactiveConnection() {
			return this.delegate.getReactiveConnection();
		}

		@Override
		public ReactiveRedisClusterConnection getReactiveClusterConnection() {
			return this.delegate.getReactiveClusterConnection();
		}

		@Override
		public org.springframework.dao.DataAccessException translateExceptionIfPossible(RuntimeException ex) {
			return this.delegate.translateExceptionIfPossible(ex);
		}

	}

}
