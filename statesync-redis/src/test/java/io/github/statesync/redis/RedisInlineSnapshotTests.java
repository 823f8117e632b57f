package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.test.redis.RedisServerExtension;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Small snapshots carried inside their invalidation: applied without a fetch, large ones
 * still fetched, and readers that ignore the extra member unaffected.
 */
class RedisInlineSnapshotTests {

	private static final String TOPIC = "settings";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	private LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.server().host(), redis.server().port()));
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		return factory;
	}

	private RedisSnapshotStore writer(int inlineLimit) {
		return new RedisSnapshotStore(connectionFactory(), new JacksonSyncCodec(), RedisTopicKeys.DEFAULT, "writer",
				Clock.systemUTC(), Duration.ofSeconds(2), (topic) -> JacksonSyncCodec.DEFAULT_MAX_PAYLOAD_BYTES,
				(topic) -> inlineLimit);
	}

	private final AtomicInteger fetches = new AtomicInteger();

	private final AtomicInteger appliedVersion = new AtomicInteger();

	private SyncHandle<Settings> reader(AtomicReference<Settings> applied) {
		LettuceConnectionFactory factory = connectionFactory();
		JacksonSyncCodec codec = new JacksonSyncCodec();
		RedisInvalidationSubscriber subscriber = RedisInvalidationSubscriber.create(factory, codec,
				RedisTopicKeys.DEFAULT);
		this.closeables.add(subscriber);
		RedisSnapshotStore store = new RedisSnapshotStore(factory, codec, RedisTopicKeys.DEFAULT, "reader",
				Clock.systemUTC(), Duration.ofSeconds(2));
		SnapshotProvider<Settings> provider = store.provider(Settings.class);
		SnapshotProvider<Settings> counting = new SnapshotProvider<>() {

			@Override
			public CompletableFuture<@Nullable SnapshotEnvelope<Settings>> fetch(String topic, Revision known) {
				RedisInlineSnapshotTests.this.fetches.incrementAndGet();
				return provider.fetch(topic, known);
			}

			@Override
			public @Nullable SnapshotEnvelope<Settings> inlineSnapshot(InvalidationEvent event) {
				return provider.inlineSnapshot(event);
			}

		};
		SyncHandle<Settings> handle = SyncHandle.builder(TOPIC, subscriber, counting, (snapshot) -> {
			applied.set(snapshot.data());
			this.appliedVersion.set(snapshot.schemaVersion());
		}).build();
		this.closeables.add(handle::stop);
		// the pub/sub connection is made first, so the start waits one round trip for
		// its subscription's confirmation and fetches once
		AtomicBoolean warm = new AtomicBoolean();
		subscriber.subscribe("warm-up", new InvalidationListener() {

			@Override
			public void onInvalidation(InvalidationEvent event) {
			}

			@Override
			public void onProtocolError(ProtocolException error) {
			}

			@Override
			public void onResync() {
				warm.set(true);
			}

		});
		await().atMost(Duration.ofSeconds(10)).untilTrue(warm);
		handle.start().join();
		return handle;
	}

	@Test
	void smallSnapshotsAreAppliedFromTheInvalidationWithoutAFetch() {
		RedisSnapshotStore writer = writer(4096);
		AtomicReference<Settings> applied = new AtomicReference<>();
		SyncHandle<Settings> handle = reader(applied);
		// the start's one fetch is done
		assertThat(this.fetches).hasValue(1);
		this.fetches.set(0);
		Revision last = null;
		for (int i = 1; i <= 50; i++) {
			last = writer.publish(TOPIC, new Settings("theme-" + i, i, Map.of("beta", i % 2 == 0)));
		}
		Revision expected = last;
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(expected));
		assertThat(applied.get()).isEqualTo(new Settings("theme-50", 50, Map.of("beta", true)));
		assertThat(this.fetches).as("fetches").hasValue(0);
	}

	@Test
	void versionedSnapshotsAreFetchedWithTheirVersionAndOnlyUnversionedOnesTravelInline() {
		RedisSnapshotStore writer = writer(4096);
		AtomicReference<Settings> applied = new AtomicReference<>();
		SyncHandle<Settings> handle = reader(applied);
		// the start's one fetch is done
		assertThat(this.fetches).hasValue(1);
		this.fetches.set(0);
		Revision versioned = writer.publish(TOPIC, new Settings("v2", 2, Map.of()), 2);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(versioned));
		assertThat(this.appliedVersion).hasValue(2);
		assertThat(this.fetches).as("a versioned publish is fetched").hasValue(1);
		Revision unversioned = writer.publish(TOPIC, new Settings("v1", 1, Map.of()));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(unversioned));
		assertThat(this.appliedVersion).hasValue(1);
		assertThat(this.fetches).as("an unversioned publish travels inline").hasValue(1);
		SnapshotEnvelope<Settings> stored = writer.<Settings>provider(Settings.class)
			.fetch(TOPIC, Revision.ZERO)
			.join();
		assertThat(stored.schemaVersion()).isEqualTo(1);
	}

	@Test
	void snapshotsOverTheInlineLimitAreFetched() {
		RedisSnapshotStore writer = writer(16);
		AtomicReference<Settings> applied = new AtomicReference<>();
		SyncHandle<Settings> handle = reader(applied);
		// the start's one fetch is done
		assertThat(this.fetches).hasValue(1);
		this.fetches.set(0);
		Revision revision = writer.publish(TOPIC, new Settings("a theme longer than sixteen bytes", 1, Map.of()));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(revision));
		assertThat(this.fetches).hasValue(1);
	}

	@Test
	void inlineEventKeepsTheWireShapeOtherClientsRead() throws Exception {
		RedisSnapshotStore writer = writer(4096);
		JacksonSyncCodec codec = new JacksonSyncCodec();
		RedisInvalidationSubscriber subscriber = RedisInvalidationSubscriber.create(connectionFactory(), codec,
				RedisTopicKeys.DEFAULT);
		this.closeables.add(subscriber);
		AtomicReference<byte[]> raw = new AtomicReference<>();
		org.springframework.data.redis.listener.RedisMessageListenerContainer container = RedisInvalidationSubscriber
			.createContainer(connectionFactory());
		container.afterPropertiesSet();
		container.start();
		this.closeables.add(container::destroy);
		container.addMessageListener((message, pattern) -> raw.set(message.getBody()),
				new org.springframework.data.redis.listener.ChannelTopic(RedisTopicKeys.DEFAULT.channel(TOPIC)));
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			writer.publish(TOPIC, new Settings("dark", 1, Map.of()));
			return raw.get() != null;
		});
		String event = new String(raw.get(), java.nio.charset.StandardCharsets.UTF_8);
		assertThat(event).matches("\\{\"topic\":\"settings\",\"revision\":\"\\d+\",\"sourceId\":\"writer\","
				+ "\"timestampMs\":\\d+,\"data\":\\{\"theme\":\"dark\",\"maxUploadMb\":1,\"features\":\\{}}}");
		assertThat(codec.decodeEvent(raw.get()).data()).isNotNull();
	}

	record Settings(String theme, int maxUploadMb, Map<String, Boolean> features) {

	}

}
