package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncOptions;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.test.redis.RedisServer;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * One "JVM" of the Redis transport tests: its own Lettuce connection factory,
 * invalidation subscriber, snapshot store and apply executor, wired as the Spring Boot
 * integration wires them (snapshots applied on two threads of the node's own, not on
 * Lettuce's I/O thread), and the handles of the topics it follows.
 * <p>
 * Building a node does not talk to Redis (Lettuce connects lazily and the listener
 * container subscribes in the background), so a node can be built, and a topic followed
 * with {@link #newFollower}, while Redis is down. {@link #close()} stops everything,
 * whatever state Redis is in.
 */
final class TestNode implements SyncListener, AutoCloseable {

	static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

	final String id;

	final LettuceConnectionFactory connectionFactory;

	final JacksonSyncCodec codec = new JacksonSyncCodec();

	final RedisInvalidationSubscriber subscriber;

	final RedisSnapshotStore store;

	/** The data of the last snapshot applied to any topic this node follows. */
	final AtomicReference<Settings> applied = new AtomicReference<>();

	/** Errors of every topic this node follows. */
	final List<SyncError> errors = new CopyOnWriteArrayList<>();

	final AtomicInteger resyncs = new AtomicInteger();

	private final List<Follower> followers = new CopyOnWriteArrayList<>();

	private final Map<String, InvalidationEvent> events = new ConcurrentHashMap<>();

	private @Nullable RedisTemplate<String, byte[]> rawTemplate;

	TestNode(String id, RedisServer server) {
		this(id, server, DEFAULT_COMMAND_TIMEOUT);
	}

	/**
	 * Create a node.
	 * @param id the node id, sent as the source of its writes
	 * @param server the Redis server
	 * @param commandTimeout the Lettuce command timeout, also the publish timeout
	 */
	TestNode(String id, RedisServer server, Duration commandTimeout) {
		this(id, server, commandTimeout, null, null);
	}

	/**
	 * Create a node that logs in as an ACL user.
	 * @param id the node id, sent as the source of its writes
	 * @param server the Redis server
	 * @param username the ACL user
	 * @param password its password
	 */
	TestNode(String id, RedisServer server, String username, String password) {
		this(id, server, DEFAULT_COMMAND_TIMEOUT, username, password);
	}

	private TestNode(String id, RedisServer server, Duration commandTimeout, @Nullable String username,
			@Nullable String password) {
		this.id = id;
		RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(server.host(), server.port());
		configuration.setUsername(username);
		if (password != null) {
			configuration.setPassword(password);
		}
		this.connectionFactory = new LettuceConnectionFactory(configuration,
				LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.subscriber = RedisInvalidationSubscriber.create(this.connectionFactory, this.codec,
				RedisTopicKeys.DEFAULT);
		this.store = new RedisSnapshotStore(this.connectionFactory, this.codec, RedisTopicKeys.DEFAULT, id,
				Clock.systemUTC(), commandTimeout);
	}

	/**
	 * Follow a topic with the default options and wait until its handle started.
	 * @param topic the topic
	 * @return the started handle
	 */
	SyncHandle<Settings> follow(String topic) {
		return follower(topic).handle();
	}

	/**
	 * Follow a topic with the default options and wait until its handle started.
	 * @param topic the topic
	 * @return the follower, started
	 */
	Follower follower(String topic) {
		return follower(topic, (builder) -> {
		});
	}

	/**
	 * Follow a topic and wait until its handle started and Redis confirmed its
	 * subscription (subscriptions are made in the background, so a write right after the
	 * start could otherwise reach the handle only through the resync).
	 * @param topic the topic
	 * @param customizer customizes the handle after the defaults (options, listeners)
	 * @return the follower, started
	 */
	Follower follower(String topic, Consumer<SyncHandle.Builder<Settings>> customizer) {
		int resyncs = this.resyncs.get();
		Follower follower = newFollower(topic, customizer);
		follower.start().orTimeout(60, TimeUnit.SECONDS).join();
		Awaitility.await("subscription of " + topic + " confirmed")
			.atMost(Duration.ofSeconds(20))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(1))
			.until(() -> this.resyncs.get() > resyncs);
		return follower;
	}

	/**
	 * Build a follower of a topic without starting it (no Redis call is made), for tests
	 * that start it themselves, for example while Redis is down. The handle starts on
	 * {@link SyncOptions#withFailStartOnError(boolean) failStartOnError(false)} unless
	 * the customizer sets other options.
	 * @param topic the topic
	 * @param customizer customizes the handle after the defaults
	 * @return the follower, not started; {@link #close()} stops it
	 */
	Follower newFollower(String topic, Consumer<SyncHandle.Builder<Settings>> customizer) {
		Follower follower = new Follower(this.id, topic, this);
		SyncHandle.Builder<Settings> builder = SyncHandle
			.builder(topic, (name, listener) -> this.subscriber.subscribe(name, new CountingListener(listener)),
					follower.instrument(this.store.provider(Settings.class, this.codec)), (snapshot) -> {
						follower.apply(snapshot);
						this.applied.set(snapshot.data());
					})
			.options(SyncOptions.DEFAULTS.withFailStartOnError(false))
			.listener(follower);
		customizer.accept(builder);
		follower.attach(builder.build());
		this.followers.add(follower);
		return follower;
	}

	List<Follower> followers() {
		return List.copyOf(this.followers);
	}

	InvalidationEvent lastEvent(String topic) {
		return this.events.get(topic);
	}

	List<SyncError> errors(SyncPhase phase) {
		return this.errors.stream().filter((error) -> error.phase() == phase).toList();
	}

	/**
	 * Return a template that writes raw bytes through this node's connections, to publish
	 * or store payloads no codec would write.
	 * @return the template
	 */
	synchronized RedisTemplate<String, byte[]> raw() {
		if (this.rawTemplate == null) {
			RedisTemplate<String, byte[]> template = new RedisTemplate<>();
			template.setConnectionFactory(this.connectionFactory);
			template.setKeySerializer(RedisSerializer.string());
			template.setValueSerializer(RedisSerializer.byteArray());
			template.afterPropertiesSet();
			this.rawTemplate = template;
		}
		return this.rawTemplate;
	}

	@Override
	public void onError(SyncError error) {
		this.errors.add(error);
	}

	/**
	 * Stop every handle, then the subscriber and the connections. Each step runs even if
	 * an earlier one failed.
	 */
	@Override
	public void close() {
		for (Follower follower : this.followers) {
			follower.clearFaults();
			quietly(() -> follower.handle().stop());
		}
		quietly(this.subscriber::close);
		quietly(this.store::close);
		quietly(this.connectionFactory::destroy);
	}

	private static void quietly(Runnable action) {
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			System.err.println("Closing a test node: " + ex);
		}
	}

	/**
	 * Counts confirmations and resyncs and keeps the last event of each topic, then
	 * passes everything on.
	 */
	private final class CountingListener implements InvalidationListener {

		private final InvalidationListener delegate;

		CountingListener(InvalidationListener delegate) {
			this.delegate = delegate;
		}

		@Override
		public void onInvalidation(InvalidationEvent event) {
			TestNode.this.events.put(event.topic(), event);
			this.delegate.onInvalidation(event);
		}

		@Override
		public void onProtocolError(ProtocolException error) {
			this.delegate.onProtocolError(error);
		}

		@Override
		public void onResync() {
			TestNode.this.resyncs.incrementAndGet();
			this.delegate.onResync();
		}

		@Override
		public void onConfirmed() {
			TestNode.this.resyncs.incrementAndGet();
			this.delegate.onConfirmed();
		}

		@Override
		public void onSubscriptionFailed(Exception error) {
			this.delegate.onSubscriptionFailed(error);
		}

	}

}
