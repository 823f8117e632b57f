package io.github.statesync.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.Subscription;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RedisTransportIntegrationTests {

	private static final String TOPIC = "settings";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<TestNode> nodes = new ArrayList<>();

	@AfterEach
	void closeNodes() {
		this.nodes.forEach(TestNode::close);
	}

	private TestNode node(String id) {
		TestNode node = new TestNode(id, redis.server());
		this.nodes.add(node);
		return node;
	}

	@Test
	void publishOnOneNodeIsAppliedOnAnother() {
		TestNode writer = node("a");
		TestNode reader = node("b");
		SyncHandle<Settings> handle = reader.follow(TOPIC);
		Settings settings = new Settings("dark", 25, Map.of("beta", true));
		Revision revision = writer.store.publish(TOPIC, settings);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(revision));
		assertThat(reader.applied.get()).isEqualTo(settings);
		InvalidationEvent event = reader.lastEvent(TOPIC);
		assertThat(event.sourceId()).isEqualTo("a");
		assertThat(event.revision()).isEqualTo(revision);
		assertThat(event.timestampMs()).isCloseTo(System.currentTimeMillis(),
				org.assertj.core.data.Offset.offset(60_000L));
	}

	@Test
	void firstRevisionIsSeededFromServerClockSoRevisionsSurviveDataLoss() {
		TestNode writer = node("a");
		Revision first = writer.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		long nowMicros = System.currentTimeMillis() * 1000;
		assertThat(first.longValue()).isBetween(nowMicros - 60_000_000, nowMicros + 60_000_000);
		assertThat(writer.store.publish(TOPIC, new Settings("dark", 2, Map.of()))).isGreaterThan(first);
	}

	@Test
	void readerNeverSeesInvalidationBeforeItsSnapshot() throws Exception {
		TestNode writer = node("a");
		TestNode reader = node("b");
		SnapshotProvider<Settings> provider = reader.store.provider(Settings.class);
		List<String> violations = new CopyOnWriteArrayList<>();
		AtomicInteger checked = new AtomicInteger();
		reader.subscriber.subscribe(TOPIC, new InvalidationListener() {

			@Override
			public void onInvalidation(InvalidationEvent event) {
				provider.fetch(TOPIC, Revision.ZERO).whenComplete((snapshot, failure) -> {
					if (snapshot == null || snapshot.revision().compareTo(event.revision()) < 0) {
						violations
							.add(event.revision() + " -> " + ((snapshot != null) ? snapshot.revision() : failure));
					}
					checked.incrementAndGet();
				});
			}

			@Override
			public void onProtocolError(ProtocolException error) {
				violations.add(error.getMessage());
			}

			@Override
			public void onResync() {
			}

		});
		awaitSubscribed(reader);
		int writes = 500;
		for (int i = 0; i < writes; i++) {
			writer.store.publishAsync(TOPIC, new Settings("t" + i, i, Map.of()));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> checked.get() == writes);
		assertThat(violations).isEmpty();
	}

	@Test
	void compareAndSetReportsConflictWithCurrentRevision() {
		TestNode writer = node("a");
		PublishResult first = writer.store.publishIfCurrent(TOPIC, Revision.ZERO, new Settings("dark", 1, Map.of()));
		assertThat(first.published()).isTrue();
		PublishResult stale = writer.store.publishIfCurrent(TOPIC, Revision.ZERO, new Settings("light", 2, Map.of()));
		assertThat(stale).isEqualTo(new PublishResult(false, first.revision()));
		PublishResult second = writer.store.publishIfCurrent(TOPIC, first.revision(),
				new Settings("light", 2, Map.of()));
		assertThat(second.published()).isTrue();
		assertThat(second.revision()).isGreaterThan(first.revision());
		assertThat(redis.server().command("GET", RedisTopicKeys.DEFAULT.snapshotKey(TOPIC))).contains("\"light\"");
	}

	@Test
	void concurrentCompareAndSetWritersNeverLoseAnUpdate() throws Exception {
		TestNode a = node("a");
		TestNode b = node("b");
		int increments = 100;
		List<CompletableFuture<Integer>> writers = new ArrayList<>();
		for (TestNode node : List.of(a, b)) {
			writers.add(CompletableFuture.supplyAsync(() -> {
				int conflicts = 0;
				SnapshotProvider<Settings> provider = node.store.provider(Settings.class);
				for (int done = 0; done < increments;) {
					SnapshotEnvelope<Settings> current = provider.fetch(TOPIC, Revision.ZERO).join();
					Revision expected = (current != null) ? current.revision() : Revision.ZERO;
					int count = (current != null) ? current.data().maxUploadMb() : 0;
					if (node.store.publishIfCurrent(TOPIC, expected, new Settings("count", count + 1, Map.of()))
						.published()) {
						done++;
					}
					else {
						conflicts++;
					}
				}
				return conflicts;
			}));
		}
		int conflicts = writers.stream().mapToInt(CompletableFuture::join).sum();
		SnapshotEnvelope<Settings> last = a.store.<Settings>provider(Settings.class).fetch(TOPIC, Revision.ZERO).join();
		assertThat(last.data().maxUploadMb()).isEqualTo(2 * increments);
		System.out.printf("MEASURE cas: %d increments from 2 writers, %d conflicts detected%n", 2 * increments,
				conflicts);
	}

	@Test
	void convergesAfterPubSubConnectionsAreKilledDuringWrites() throws Exception {
		TestNode writer = node("a");
		List<SyncHandle<Settings>> followers = new ArrayList<>();
		for (String id : List.of("b", "c")) {
			followers.add(node(id).follow(TOPIC));
		}
		AtomicReference<Revision> last = new AtomicReference<>();
		CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 150; i++) {
				last.set(writer.store.publish(TOPIC, new Settings("t" + i, i, Map.of())));
				sleep(10);
			}
		});
		long killed = 0;
		while (!writes.isDone()) {
			killed += redis.server().killPubSubClients();
			sleep(300);
		}
		writes.get();
		long lastKill = System.nanoTime();
		killed += redis.server().killPubSubClients();
		Revision target = writer.store.publish(TOPIC, new Settings("final", 999, Map.of()));
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(followers)
				.allSatisfy((handle) -> assertThat(handle.localRevision()).isEqualTo(target)));
		System.out.printf("MEASURE pubsub-kill: %d pub/sub connections killed; converged %d ms after the last kill%n",
				killed, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastKill));
		assertThat(killed).isGreaterThanOrEqualTo(2);
	}

	@Test
	void resyncsAfterPubSubKillEvenWithNoWriteAfterIt() {
		TestNode writer = node("a");
		TestNode reader = node("b");
		SyncHandle<Settings> handle = reader.follow(TOPIC);
		writer.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(10)).until(handle::hasSnapshot);
		int resyncs = reader.resyncs.get();
		assertThat(redis.server().killPubSubClients()).isGreaterThanOrEqualTo(1);
		await().atMost(Duration.ofSeconds(10)).until(() -> reader.resyncs.get() > resyncs);
	}

	@Test
	void convergesAfterRedisRestarts() {
		TestNode writer = node("a");
		TestNode reader = node("b");
		SyncHandle<Settings> handle = reader.follow(TOPIC);
		Revision before = writer.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(10)).until(() -> handle.localRevision().equals(before));
		redis.server().restart();
		long restarted = System.nanoTime();
		Revision after = await().atMost(Duration.ofSeconds(20))
			.ignoreExceptions()
			.until(() -> writer.store.publish(TOPIC, new Settings("light", 2, Map.of())), (revision) -> true);
		assertThat(after.isNewerThan(before)).as("revision after data loss").isTrue();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(after));
		assertThat(reader.applied.get().theme()).isEqualTo("light");
		System.out.printf("MEASURE redis-restart: converged %d ms after the restart%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted));
	}

	@Test
	void malformedMessagesAreProtocolErrorsAndNextGoodWriteApplies() {
		TestNode writer = node("a");
		TestNode reader = node("b");
		SyncHandle<Settings> handle = reader.follow(TOPIC);
		Revision good = writer.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(10)).until(() -> handle.localRevision().equals(good));
		String channel = RedisTopicKeys.DEFAULT.channel(TOPIC);
		List<String> payloads = List.of("not json", "[1,2]", "{\"topic\":\"settings\",\"revision\":42}",
				"{\"topic\":\"settings\",\"revision\":\"01\"}", "{\"topic\":\"\",\"revision\":\"99999999999999999\"}",
				"{\"topic\":\"settings\",\"revision\":\"18446744073709551616\"}",
				"{\"topic\":\"settings\",\"revision\":\"9" + "9".repeat(20) + "\"}",
				"{\"topic\":\"settings\",\"revision\":\"1\",\"pad\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}",
				"[".repeat(10_000) + "]".repeat(10_000));
		for (String payload : payloads) {
			redis.server().command("PUBLISH", channel, payload);
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(reader.errors(SyncPhase.PROTOCOL)).hasSize(payloads.size()));
		assertThat(reader.errors(SyncPhase.PROTOCOL)).extracting((error) -> error.cause().getMessage())
			.anySatisfy((message) -> assertThat(message).contains("exceeds the limit"))
			.anySatisfy((message) -> assertThat(message).contains("revision must be a JSON string"))
			.anySatisfy((message) -> assertThat(message).contains("is not valid JSON"));
		assertThat(handle.localRevision()).isEqualTo(good);
		Revision next = writer.store.publish(TOPIC, new Settings("light", 2, Map.of()));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(next));
	}

	@Test
	void malformedSnapshotInStoreIsProtocolErrorAndLastGoodStateStays() {
		TestNode writer = node("a");
		TestNode reader = node("b");
		SyncHandle<Settings> handle = reader.follow(TOPIC);
		Revision good = writer.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(10)).until(() -> handle.localRevision().equals(good));
		String snapshotKey = RedisTopicKeys.DEFAULT.snapshotKey(TOPIC);
		String event = "{\"topic\":\"settings\",\"revision\":\"" + good.next() + "\"}";
		List<String> snapshots = List.of("garbage",
				"{\"revision\":\"" + good.next() + "\",\"data\":{\"maxUploadMb\":\"many\"}}",
				"{\"revision\":\"" + good.next() + "\"}", "{\"revision\":\"007\",\"data\":{}}");
		for (int i = 0; i < snapshots.size(); i++) {
			int reported = i + 1;
			redis.server().command("SET", snapshotKey, snapshots.get(i));
			// each bad snapshot is announced on its own, since a burst would rightly
			// coalesce into fewer fetches
			redis.server().command("PUBLISH", RedisTopicKeys.DEFAULT.channel(TOPIC), event);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(reader.errors(SyncPhase.PROTOCOL)).hasSize(reported));
		}
		assertThat(reader.errors(SyncPhase.PROTOCOL)).extracting((error) -> error.cause().getMessage())
			.containsExactly(
					"snapshot is not valid JSON: Unrecognized token 'garbage': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
					"snapshot at revision " + good.next() + ": data does not fit " + Settings.class.getName()
							+ ": Cannot deserialize value of type `int` from String \"many\": not a valid `int` value",
					"snapshot at revision " + good.next() + " has no data",
					"snapshot: revision \"007\" is not canonical: leading zeros are not allowed");
		assertThat(handle.localRevision()).isEqualTo(good);
		assertThat(reader.applied.get().theme()).isEqualTo("dark");
		redis.server().command("SET", RedisTopicKeys.DEFAULT.revisionKey(TOPIC), good.next().toString());
		Revision next = writer.store.publish(TOPIC, new Settings("light", 2, Map.of()));
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(handle.localRevision()).isEqualTo(next));
	}

	@Test
	void oneThousandTopicsShareOnePubSubConnection() {
		TestNode writer = node("a");
		TestNode reader = node("b");
		int topics = 1000;
		List<SyncHandle<Settings>> handles = new ArrayList<>();
		for (int i = 0; i < topics; i++) {
			handles.add(reader.follow("topic-" + i));
		}
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(redis.server().command("CLIENT", "LIST", "TYPE", "pubsub"))
				.contains("sub=" + topics));
		Revision revision = writer.store.publish("topic-999", new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(handles.get(999).localRevision()).isEqualTo(revision));
		String pubSubClients = redis.server().command("CLIENT", "LIST", "TYPE", "pubsub");
		String allClients = redis.server().command("CLIENT", "LIST");
		assertThat(pubSubClients.lines()).hasSize(1);
		assertThat(pubSubClients).contains("psub=0").contains("sub=" + topics);
		System.out.printf(
				"MEASURE connections: %d topics on one reader node -> %d pub/sub connection(s); "
						+ "%d connections from 2 nodes in all%n",
				topics, pubSubClients.lines().count(), allClients.lines().count() - 1);
		handles.forEach(SyncHandle::stop);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(redis.server().command("CLIENT", "LIST", "TYPE", "pubsub")).satisfiesAnyOf(
					(list) -> assertThat(list).isNullOrEmpty(), (list) -> assertThat(list).contains("sub=0")));
	}

	@Test
	void topicsSubscribedTogetherShareAFewSubscribeCommands() {
		TestNode reader = node("b");
		redis.server().command("CONFIG", "RESETSTAT");
		int topics = 1000;
		List<Subscription> subscriptions = new ArrayList<>();
		for (int i = 0; i < topics; i++) {
			subscriptions.add(reader.subscriber.subscribe("topic-" + i, new NoOpListener()));
		}
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(redis.server().command("CLIENT", "LIST", "TYPE", "pubsub"))
				.contains("sub=" + topics));
		long commands = subscribeCommands();
		System.out.printf("MEASURE subscribe: %d topics subscribed in %d SUBSCRIBE commands%n", topics, commands);
		assertThat(commands).isLessThan(topics / 10);
		subscriptions.forEach(Subscription::cancel);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(redis.server().command("CLIENT", "LIST", "TYPE", "pubsub")).satisfiesAnyOf(
					(list) -> assertThat(list).isNullOrEmpty(), (list) -> assertThat(list).contains("sub=0")));
	}

	private static final class NoOpListener implements InvalidationListener {

		@Override
		public void onInvalidation(InvalidationEvent event) {
		}

		@Override
		public void onProtocolError(ProtocolException error) {
		}

		@Override
		public void onResync() {
		}

	}

	private static long subscribeCommands() {
		return redis.server()
			.command("INFO", "commandstats")
			.lines()
			.filter((line) -> line.startsWith("cmdstat_subscribe:"))
			.mapToLong((line) -> Long.parseLong(line.replaceAll("^cmdstat_subscribe:calls=(\\d+),.*$", "$1")))
			.sum();
	}

	private static void awaitSubscribed(TestNode node) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> String
				.valueOf(redis.server().command("PUBSUB", "NUMSUB", RedisTopicKeys.DEFAULT.channel(TOPIC)))
				.endsWith("\n1"));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
