package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.test.redis.RedisServerExtension;
import io.github.statesync.test.redis.TcpProxy;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pub/sub liveness probe on a real Redis process, with the subscriber's connection
 * made through a {@link TcpProxy} that turns it half-open: the socket stays connected,
 * nothing arrives. Snapshots are written and read on a connection straight to Redis, so
 * only the pub/sub connection is cut.
 */
class RedisPubSubLivenessIntegrationTests {

	private static final PubSubLiveness FAST = new PubSubLiveness(Duration.ofMillis(500), Duration.ofMillis(500));

	/** Generous: ten times the probe's own bound, interval + timeout. */
	private static final Duration LIVENESS_BOUND = FAST.interval().plus(FAST.timeout()).multipliedBy(10);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final JacksonSyncCodec codec = new JacksonSyncCodec();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void closeEverything() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void halfOpenPubSubConnectionIsDroppedAndAWriteMadeMeanwhileArrives() {
		TcpProxy proxy = proxy();
		RedisInvalidationSubscriber subscriber = subscriber(connectionFactory(proxy.host(), proxy.port()), FAST);
		RedisSnapshotStore store = store();
		store.publish("settings", Settings.of("before", 1));
		AtomicReference<@Nullable Settings> current = follow("settings", subscriber, store);
		await().atMost(LIVENESS_BOUND).until(() -> current.get() != null && current.get().theme().equals("before"));
		await().atMost(LIVENESS_BOUND).until(subscriber::isConnected);

		assertThat(proxy.blackhole()).isPositive();
		store.publish("settings", Settings.of("during", 2));

		await("the write made while the connection was half-open").atMost(LIVENESS_BOUND)
			.until(() -> current.get().theme().equals("during"));
		assertThat(subscriber.livenessFailures()).isOne();
		await().atMost(LIVENESS_BOUND).until(subscriber::isConnected);
		store.publish("settings", Settings.of("after", 3));
		await("invalidations flow on the new connection").atMost(LIVENESS_BOUND)
			.until(() -> current.get().theme().equals("after"));
	}

	@Test
	void everyTopicResyncsAfterTheDrop() {
		TcpProxy proxy = proxy();
		RedisInvalidationSubscriber subscriber = subscriber(connectionFactory(proxy.host(), proxy.port()), FAST);
		List<RecordingListener> listeners = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			RecordingListener listener = new RecordingListener();
			subscriber.subscribe("topic-" + i, listener);
			listeners.add(listener);
		}
		await().atMost(LIVENESS_BOUND)
			.until(() -> listeners.stream().allMatch((listener) -> listener.resyncs.get() == 1));

		proxy.blackhole();

		await().atMost(LIVENESS_BOUND)
			.until(() -> listeners.stream().allMatch((listener) -> listener.resyncs.get() == 2));
		assertThat(subscriber.livenessFailures()).isOne();
	}

	@Test
	void withoutTheProbeAHalfOpenConnectionMissesWrites() {
		TcpProxy proxy = proxy();
		RedisInvalidationSubscriber subscriber = subscriber(connectionFactory(proxy.host(), proxy.port()),
				PubSubLiveness.DISABLED);
		RedisSnapshotStore store = store();
		store.publish("settings", Settings.of("before", 1));
		AtomicReference<@Nullable Settings> current = follow("settings", subscriber, store);
		await().atMost(LIVENESS_BOUND).until(() -> current.get() != null && current.get().theme().equals("before"));
		await().atMost(LIVENESS_BOUND).until(subscriber::isConnected);

		proxy.blackhole();
		store.publish("settings", Settings.of("during", 2));

		// what the probe repairs within its bound stays missing without it
		await().during(FAST.interval().plus(FAST.timeout()).multipliedBy(3))
			.atMost(LIVENESS_BOUND)
			.until(() -> current.get().theme().equals("before") && subscriber.isConnected());
		assertThat(subscriber.livenessFailures()).isZero();
	}

	@Test
	void healthyConnectionIsNeverDropped() {
		RedisInvalidationSubscriber subscriber = subscriber(
				connectionFactory(redis.server().host(), redis.server().port()),
				new PubSubLiveness(Duration.ofMillis(50), Duration.ofMillis(1000)));
		RecordingListener listener = new RecordingListener();
		subscriber.subscribe("settings", listener);
		await().atMost(LIVENESS_BOUND).until(() -> listener.resyncs.get() == 1);

		await().during(Duration.ofSeconds(2))
			.atMost(LIVENESS_BOUND)
			.until(() -> listener.resyncs.get() == 1 && subscriber.livenessFailures() == 0);
	}

	@Test
	void resp2ConnectionAnswersThePingInSubscribedMode() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.server().host(), redis.server().port()),
				LettuceClientConfiguration.builder()
					.clientOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build())
					.build());
		factory.afterPropertiesSet();
		factory.start();
		this.closeables.add(factory::destroy);
		RedisInvalidationSubscriber subscriber = subscriber(factory,
				new PubSubLiveness(Duration.ofMillis(50), Duration.ofMillis(1000)));
		RecordingListener listener = new RecordingListener();
		subscriber.subscribe("settings", listener);
		await().atMost(LIVENESS_BOUND).until(() -> listener.resyncs.get() == 1);

		// RESP2 answers a PING in subscribed mode with ["pong", ""], not +PONG
		await().during(Duration.ofSeconds(2))
			.atMost(LIVENESS_BOUND)
			.until(() -> listener.resyncs.get() == 1 && subscriber.livenessFailures() == 0);
	}

	@Test
	void anAclUserWithoutPingIsStillProvenAlive() {
		redis.server().command("ACL", "SETUSER", "noping", "on", ">secret", "~*", "&*", "+@all", "-ping");
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(redis.server().host(),
				redis.server().port());
		configuration.setUsername("noping");
		configuration.setPassword("secret");
		RedisInvalidationSubscriber subscriber = subscriber(connectionFactory(configuration),
				new PubSubLiveness(Duration.ofMillis(50), Duration.ofMillis(1000)));
		RecordingListener listener = new RecordingListener();
		subscriber.subscribe("settings", listener);
		await().atMost(LIVENESS_BOUND).until(() -> listener.resyncs.get() == 1);

		// Redis answers NOPERM, which proves the connection as well as PONG
		await().during(Duration.ofSeconds(2))
			.atMost(LIVENESS_BOUND)
			.until(() -> listener.resyncs.get() == 1 && subscriber.livenessFailures() == 0);
		assertThat(redis.server().command("ACL", "LOG")).as("PING was refused, not let through").contains("noping");
	}

	private TcpProxy proxy() {
		TcpProxy proxy = TcpProxy.to(redis.server());
		this.closeables.add(proxy);
		return proxy;
	}

	private LettuceConnectionFactory connectionFactory(String host, int port) {
		return connectionFactory(new RedisStandaloneConfiguration(host, port));
	}

	private LettuceConnectionFactory connectionFactory(RedisStandaloneConfiguration configuration) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(configuration);
		factory.afterPropertiesSet();
		factory.start();
		this.closeables.add(factory::destroy);
		return factory;
	}

	private RedisInvalidationSubscriber subscriber(LettuceConnectionFactory factory, PubSubLiveness liveness) {
		RedisInvalidationSubscriber subscriber = RedisInvalidationSubscriber.create(factory, this.codec,
				RedisTopicKeys.DEFAULT, (container) -> {
				}, liveness);
		this.closeables.add(subscriber);
		return subscriber;
	}

	private RedisSnapshotStore store() {
		return new RedisSnapshotStore(connectionFactory(redis.server().host(), redis.server().port()), this.codec,
				RedisTopicKeys.DEFAULT, "writer", Clock.systemUTC(), Duration.ofSeconds(2));
	}

	private AtomicReference<@Nullable Settings> follow(String topic, RedisInvalidationSubscriber subscriber,
			RedisSnapshotStore store) {
		AtomicReference<@Nullable Settings> current = new AtomicReference<>();
		SyncHandle<Settings> handle = SyncHandle
			.<Settings>builder(topic, subscriber, store.provider(Settings.class),
					(snapshot) -> current.set(snapshot.data()))
			.build();
		handle.start().join();
		this.closeables.add(handle::stop);
		return current;
	}

	private static final class RecordingListener implements InvalidationListener {

		final AtomicInteger resyncs = new AtomicInteger();

		@Override
		public void onInvalidation(InvalidationEvent event) {
		}

		@Override
		public void onProtocolError(ProtocolException error) {
		}

		@Override
		public void onResync() {
			this.resyncs.incrementAndGet();
		}

	}

}
