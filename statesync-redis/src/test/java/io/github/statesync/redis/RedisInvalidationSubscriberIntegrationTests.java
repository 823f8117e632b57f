package io.github.statesync.redis;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.Subscription;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.test.redis.RedisServerExtension;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisInvalidationSubscriber} on a real Redis process: what it reports about its
 * pub/sub connection, and its channel bookkeeping under concurrent subscribe and cancel.
 */
class RedisInvalidationSubscriberIntegrationTests {

	private static final Duration BOUND = Duration.ofSeconds(15);

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

	/**
	 * A factory whose client waits a second before it reconnects, so the time between
	 * losing the pub/sub connection and getting it back is long enough to observe.
	 */
	private LettuceConnectionFactory connectionFactory(Duration reconnectDelay) {
		ClientResources resources = ClientResources.builder().reconnectDelay(Delay.constant(reconnectDelay)).build();
		this.closeables.add(() -> resources.shutdown(0, 2, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.server().host(), redis.server().port()),
				LettuceClientConfiguration.builder().clientResources(resources).build());
		factory.afterPropertiesSet();
		factory.start();
		this.closeables.add(factory::destroy);
		return factory;
	}

	private RedisInvalidationSubscriber subscriber(LettuceConnectionFactory factory) {
		RedisInvalidationSubscriber subscriber = RedisInvalidationSubscriber.create(factory, this.codec,
				RedisTopicKeys.DEFAULT);
		this.closeables.add(subscriber);
		return subscriber;
	}

	private void publishEvent(String topic, long revision) {
		byte[] event = this.codec.encodeEvent(InvalidationEvent.of(topic, Revision.of(revision)));
		redis.server()
			.command("PUBLISH", RedisTopicKeys.DEFAULT.channel(topic), new String(event, StandardCharsets.UTF_8));
	}

	@Test
	void killedPubSubConnectionIsReportedDisconnectedUntilItIsResubscribed() {
		String topic = "health";
		LettuceConnectionFactory factory = connectionFactory(Duration.ofSeconds(1));
		RedisInvalidationSubscriber subscriber = subscriber(factory);
		// another connection of the same client stays up throughout, so only the
		// pub/sub connection is lost
		RedisSnapshotStore store = new RedisSnapshotStore(factory, this.codec, RedisTopicKeys.DEFAULT, "writer",
				Clock.systemUTC(), Duration.ofSeconds(2));
		store.publish(topic, Settings.of("before", 0));
		RecordingListener listener = new RecordingListener();
		subscriber.subscribe(topic, listener);
		await("subscription confirmed").atMost(BOUND).until(() -> listener.resyncs.get() > 0);
		assertThat(subscriber.isConnected()).isTrue();

		int resyncs = listener.resyncs.get();
		assertThat(redis.server().killPubSubClients()).isOne();
		await("pub/sub connection reported lost").atMost(BOUND)
			.pollInterval(Duration.ofMillis(5))
			.until(() -> !subscriber.isConnected());
		await("pub/sub connection back and resubscribed").atMost(BOUND).until(subscriber::isConnected);
		await("resync after the resubscription").atMost(BOUND).until(() -> listener.resyncs.get() > resyncs);
		Revision revision = store.publish(topic, Settings.of("after", 1));
		await("invalidations flow again").atMost(BOUND)
			.until(() -> listener.events.stream().anyMatch((event) -> event.revision().equals(revision)));
		assertThat(subscriber.isConnected()).isTrue();
	}

	@Test
	void handleStartFetchesOnceAndResyncsWhenThePubSubConnectionComesBack() throws Exception {
		LettuceConnectionFactory factory = connectionFactory(Duration.ofMillis(100));
		RedisInvalidationSubscriber subscriber = subscriber(factory);
		RedisSnapshotStore store = new RedisSnapshotStore(factory, this.codec, RedisTopicKeys.DEFAULT, "writer",
				Clock.systemUTC(), Duration.ofSeconds(2));
		// the pub/sub connection is made first, so the handle waits one round trip only
		RecordingListener warm = new RecordingListener();
		subscriber.subscribe("warm", warm);
		await("subscription confirmed").atMost(BOUND).until(() -> warm.resyncs.get() > 0);
		String topic = "once";
		store.publish(topic, Settings.of("first", 0));
		AtomicInteger refreshes = new AtomicInteger();
		SyncHandle<Settings> handle = SyncHandle
			.<Settings>builder(topic, subscriber, store.provider(Settings.class, this.codec), (snapshot) -> {
			})
			.listener(new SyncListener() {

				@Override
				public void onRefresh(String name, RefreshOutcome outcome, long durationNanos) {
					refreshes.incrementAndGet();
				}

			})
			.build();
		this.closeables.add(handle::stop);
		handle.start().get(BOUND.toSeconds(), TimeUnit.SECONDS);
		await("subscription confirmed").atMost(BOUND).until(subscriber::isConnected);
		assertThat(refreshes.get()).as("the start's fetch covered the subscription's confirmation").isOne();
		assertThat(redis.server().killPubSubClients()).isOne();
		Revision missed = store.publish(topic, Settings.of("missed", 1));
		await("resync after the resubscription").atMost(BOUND).until(() -> handle.localRevision().equals(missed));
		assertThat(refreshes.get()).isGreaterThanOrEqualTo(2);
	}

	/**
	 * Cancelling a channel's last listener while another subscribes to it must leave the
	 * channel subscribed. The window between the listener bookkeeping and the queued
	 * (un)subscription is far too short to hit by chance, so each round holds the
	 * subscriber's change lock while the cancel and then the subscribe run into it, and
	 * lets both go together.
	 */
	@Test
	void cancellingTheLastListenerWhileAnotherSubscribesLeavesTheNewListenerHearing() throws Exception {
		String topic = "race";
		RedisInvalidationSubscriber subscriber = subscriber(connectionFactory(Duration.ofMillis(100)));
		Object changeLock = changeLock(subscriber);
		RecordingListener first = new RecordingListener();
		Subscription current = subscriber.subscribe(topic, first);
		await("subscription confirmed").atMost(BOUND).until(() -> first.resyncs.get() > 0);
		for (int round = 1; round <= 50; round++) {
			RecordingListener next = new RecordingListener();
			AtomicReference<Subscription> added = new AtomicReference<>();
			Thread cancel = new Thread(current::cancel, "cancel-" + round);
			Thread subscribe = new Thread(() -> added.set(subscriber.subscribe(topic, next)), "subscribe-" + round);
			synchronized (changeLock) {
				cancel.start();
				awaitBlockedOrDone(cancel);
				subscribe.start();
				awaitBlockedOrDone(subscribe);
			}
			cancel.join(TimeUnit.SECONDS.toMillis(10));
			subscribe.join(TimeUnit.SECONDS.toMillis(10));
			current = added.get();
			assertThat(current).as("round %d: subscription", round).isNotNull();
			long revision = round;
			// the channel may be resubscribing: publish until the live listener hears
			await("round " + round + ": the live listener hears an event").atMost(BOUND)
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(5))
				.until(() -> {
					publishEvent(topic, revision);
					return !next.events.isEmpty();
				});
		}
	}

	private static Object changeLock(RedisInvalidationSubscriber subscriber) throws ReflectiveOperationException {
		Field field = RedisInvalidationSubscriber.class.getDeclaredField("changesMonitor");
		field.setAccessible(true);
		return field.get(subscriber);
	}

	private static void awaitBlockedOrDone(Thread thread) {
		await(thread.getName() + " waits for the change lock").atMost(BOUND)
			.pollInterval(Duration.ofMillis(1))
			.until(() -> thread.getState() == Thread.State.BLOCKED || thread.getState() == Thread.State.TERMINATED);
	}

	private static final class RecordingListener implements InvalidationListener {

		final List<InvalidationEvent> events = new CopyOnWriteArrayList<>();

		final AtomicInteger resyncs = new AtomicInteger();

		@Override
		public void onInvalidation(InvalidationEvent event) {
			this.events.add(event);
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
