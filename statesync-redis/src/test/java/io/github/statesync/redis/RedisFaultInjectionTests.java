package io.github.statesync.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.redis.FaultSupport.BackgroundWriter;
import io.github.statesync.test.redis.RedisServer;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.statesync.redis.FaultSupport.CONVERGENCE_BOUND;
import static io.github.statesync.redis.FaultSupport.FAULT_OPTIONS;
import static io.github.statesync.redis.FaultSupport.awaitConverged;
import static io.github.statesync.redis.FaultSupport.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Fault injection on a real Redis process: whatever Redis, the network or a peer does, a
 * node never applies an older revision after a newer one, never applies a malformed
 * snapshot, never loses its last good state, and converges to the latest revision within
 * {@link FaultSupport#CONVERGENCE_BOUND} (a liveness bound, not a speed assertion) after
 * the fault ends. Every test prints one {@code FAULT} line with the measured convergence
 * time. Bad input is in {@link RedisBadInputTests}, the randomised mix in
 * {@link RedisChaosTests}.
 */
class RedisFaultInjectionTests {

	private static final String TOPIC = "settings";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<TestNode> nodes = new ArrayList<>();

	@AfterEach
	void healRedisThenCloseNodes() {
		// heal first: a test that failed mid-fault must not leave the nodes' shutdown
		// waiting on a frozen Redis
		FaultSupport.heal(redis.server());
		this.nodes.forEach(TestNode::close);
	}

	private TestNode node(String id) {
		return node(id, TestNode.DEFAULT_COMMAND_TIMEOUT);
	}

	private TestNode node(String id, Duration commandTimeout) {
		TestNode node = new TestNode(id, redis.server(), commandTimeout);
		this.nodes.add(node);
		return node;
	}

	private static Consumer<SyncHandle.Builder<Settings>> faultOptions() {
		return (builder) -> builder.options(FAULT_OPTIONS);
	}

	private static RedisServer server() {
		return redis.server();
	}

	/**
	 * Fault: Redis is stopped (losing its data) for about 1.5 s and started again.
	 * Writes: one every 20 ms throughout; those during the outage fail with a
	 * {@code PublishException} and are not counted as written. Bound: two readers hold
	 * the latest revision and data within 15 s of the restart, and kept their last good
	 * state during the outage.
	 */
	@Test
	void convergesAfterRedisIsStoppedAndRestartedWhileTheWriterKeepsWriting() {
		TestNode writer = node("writer");
		List<Follower> readers = List.of(node("r1").follower(TOPIC, faultOptions()),
				node("r2").follower(TOPIC, faultOptions()));
		Revision before = writer.store.publish(TOPIC, Settings.of("before", 0));
		awaitConverged(server(), TOPIC, readers, System.nanoTime());
		long faultStarted;
		long faultEnded;
		int refusedBefore;
		try (BackgroundWriter writes = new BackgroundWriter(writer, TOPIC, Duration.ofMillis(20))) {
			await().atMost(CONVERGENCE_BOUND).until(() -> writes.written() >= 10);
			refusedBefore = writes.refused.get();
			faultStarted = System.nanoTime();
			server().stop();
			await("writes refused while Redis is down").atMost(CONVERGENCE_BOUND)
				.until(() -> writes.refused.get() >= refusedBefore + 3);
			FaultSupport.pause(Duration.ofMillis(1000));
			assertThat(readers).allSatisfy((reader) -> {
				assertThat(reader.localRevision()).as(reader.name()).isGreaterThan(before);
				assertThat(reader.value.get()).as(reader.name()).isNotNull();
			});
			server().restart();
			faultEnded = System.nanoTime();
			await("writes succeed again").atMost(CONVERGENCE_BOUND).until(() -> writes.writtenAfter(faultEnded) >= 3);
			writes.stop();
			long millis = awaitConverged(server(), TOPIC, readers, faultEnded);
			report("redis-stop-restart", millis, writes.writtenBetween(faultStarted, faultEnded),
					(writes.refused.get() - refusedBefore) + " writes refused");
		}
	}

	/**
	 * Fault: Redis is frozen with {@code SIGSTOP} for 3 s, three times the 1 s client
	 * command timeout, then resumed; connections stay open but nothing answers. Writes:
	 * one every 50 ms, each failing after the timeout while frozen. One reader polls
	 * every 300 ms with a 1 s fetch timeout, so its fetches time out during the pause.
	 * Bound: both readers hold what Redis holds (a write that timed out on the client may
	 * still run once Redis resumes) within 15 s of the resume.
	 */
	@Test
	void convergesAfterRedisIsPausedPastTheClientTimeout() {
		Duration commandTimeout = Duration.ofSeconds(1);
		TestNode writer = node("writer", commandTimeout);
		Follower polling = node("r1", commandTimeout).follower(TOPIC, (builder) -> builder
			.options(FAULT_OPTIONS.withFetchTimeout(Duration.ofSeconds(1)).withPollInterval(Duration.ofMillis(300))));
		Follower listening = node("r2", commandTimeout).follower(TOPIC,
				(builder) -> builder.options(FAULT_OPTIONS.withFetchTimeout(Duration.ofSeconds(1))));
		List<Follower> readers = List.of(polling, listening);
		writer.store.publish(TOPIC, Settings.of("before", 0));
		awaitConverged(server(), TOPIC, readers, System.nanoTime());
		long faultStarted;
		long faultEnded;
		int refusedBefore;
		try (BackgroundWriter writes = new BackgroundWriter(writer, TOPIC, Duration.ofMillis(50))) {
			await().atMost(CONVERGENCE_BOUND).until(() -> writes.written() >= 5);
			refusedBefore = writes.refused.get();
			int fetchErrorsBefore = polling.errors(SyncPhase.FETCH).size();
			Revision held = polling.localRevision();
			faultStarted = System.nanoTime();
			server().pause();
			try {
				await("writes time out while Redis is frozen").atMost(CONVERGENCE_BOUND)
					.until(() -> writes.refused.get() >= refusedBefore + 1);
				await("polls time out while Redis is frozen").atMost(CONVERGENCE_BOUND)
					.until(() -> polling.errors(SyncPhase.FETCH).size() > fetchErrorsBefore);
				long frozenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultStarted);
				FaultSupport.pause(Duration.ofMillis(Math.max(0, 3000 - frozenMillis)));
				assertThat(polling.localRevision()).isGreaterThanOrEqualTo(held);
				assertThat(polling.value.get()).isNotNull();
			}
			finally {
				server().resume();
			}
			faultEnded = System.nanoTime();
			await("writes succeed again").atMost(CONVERGENCE_BOUND).until(() -> writes.writtenAfter(faultEnded) >= 3);
			writes.stop();
			long millis = awaitConverged(server(), TOPIC, readers, faultEnded);
			List<SyncError> timeouts = polling.errors(SyncPhase.FETCH)
				.subList(fetchErrorsBefore, polling.errors(SyncPhase.FETCH).size());
			report("redis-pause", millis, writes.writtenBetween(faultStarted, faultEnded),
					(writes.refused.get() - refusedBefore) + " writes timed out, " + timeouts.size()
							+ " fetch errors on the polling reader");
		}
	}

	/**
	 * Fault: every pub/sub connection is killed ({@code CLIENT KILL TYPE pubsub}) every
	 * 200 ms for 3 s, so invalidations are lost while the readers resubscribe. Writes:
	 * one every 10 ms during the kills, none after. Bound: three readers hold the last
	 * written revision within 15 s of the last kill, with no write after it to announce
	 * it (the resync on resubscription must catch up).
	 */
	@Test
	void convergesAfterPubSubConnectionsAreKilledRepeatedlyUnderSteadyWrites() {
		TestNode writer = node("writer");
		List<Follower> readers = new ArrayList<>();
		for (String id : List.of("r1", "r2", "r3")) {
			readers.add(node(id).follower(TOPIC, faultOptions()));
		}
		writer.store.publish(TOPIC, Settings.of("before", 0));
		awaitConverged(server(), TOPIC, readers, System.nanoTime());
		long killed = 0;
		long faultStarted;
		long faultEnded;
		try (BackgroundWriter writes = new BackgroundWriter(writer, TOPIC, Duration.ofMillis(10))) {
			await().atMost(CONVERGENCE_BOUND).until(() -> writes.written() >= 10);
			faultStarted = System.nanoTime();
			while (System.nanoTime() - faultStarted < TimeUnit.SECONDS.toNanos(3)) {
				killed += server().killPubSubClients();
				FaultSupport.pause(Duration.ofMillis(200));
			}
			killed += server().killPubSubClients();
			faultEnded = System.nanoTime();
			writes.stop();
			long millis = awaitConverged(server(), TOPIC, readers, faultEnded);
			assertThat(killed).as("pub/sub connections killed").isGreaterThanOrEqualTo(readers.size());
			report("pubsub-kill", millis, writes.writtenBetween(faultStarted, faultEnded),
					killed + " pub/sub connections killed");
		}
	}

	/**
	 * Fault: the provider fails, one reader on every second fetch, another on a seeded
	 * random 50% of fetches, while 40 writes are made 50 ms apart. Each failure must be
	 * reported in phase {@code FETCH} with {@code willRetry} and a delay, and the retry
	 * with back-off must get through. Bound: both readers hold the latest revision within
	 * 15 s of the provider healing.
	 */
	@Test
	void convergesWhileTheProviderFailsIntermittently() {
		TestNode writer = node("writer");
		Follower everySecond = node("r1").follower(TOPIC, faultOptions());
		Follower random = node("r2").follower(TOPIC, faultOptions());
		List<Follower> readers = List.of(everySecond, random);
		writer.store.publish(TOPIC, Settings.of("before", 0));
		awaitConverged(server(), TOPIC, readers, System.nanoTime());
		Random failures = new Random(42);
		everySecond.failFetches((fetch) -> fetch % 2 == 0);
		random.failFetches((fetch) -> failures.nextDouble() < 0.5);
		int appliedBefore = everySecond.applied.size();
		for (int i = 0; i < 40; i++) {
			writer.store.publish(TOPIC, Settings.of("w" + i, i));
			FaultSupport.pause(Duration.ofMillis(50));
		}
		await("the reader failing every second fetch applies through its retries").atMost(CONVERGENCE_BOUND)
			.untilAsserted(() -> assertThat(everySecond.localRevision()).isEqualTo(redisRevision()));
		everySecond.clearFaults();
		random.clearFaults();
		long faultEnded = System.nanoTime();
		long millis = awaitConverged(server(), TOPIC, readers, faultEnded);
		assertThat(everySecond.applied.size()).isGreaterThan(appliedBefore);
		for (Follower reader : readers) {
			List<SyncError> injected = reader.errors(SyncPhase.FETCH)
				.stream()
				.filter((error) -> error.cause() instanceof InjectedFault)
				.toList();
			assertThat(injected).as(reader.name()).isNotEmpty();
			assertThat(injected).as(reader.name()).anySatisfy((error) -> {
				assertThat(error.willRetry()).isTrue();
				assertThat(error.nextDelay()).isNotNull();
				assertThat(error.attempt()).isPositive();
			});
		}
		// a failure is always followed by a success: no refresh runs out of attempts
		assertThat(everySecond.errors(SyncPhase.FETCH)).allSatisfy((error) -> {
			assertThat(error.willRetry()).isTrue();
			assertThat(error.nextDelay()).isLessThanOrEqualTo(FaultSupport.FAST_RETRIES.maxDelay());
		});
		report("provider-failing", millis, 40, everySecond.errors(SyncPhase.FETCH).size() + " and "
				+ random.errors(SyncPhase.FETCH).size() + " fetch errors on the two readers");
	}

	/**
	 * Fault: one reader's applier throws for one specific revision. Writes: that
	 * revision, then the next one. The failure is reported in phase {@code APPLY}, the
	 * reader keeps its revision and data (also when a refresh fetches the bad revision
	 * again), and a second reader applies normally. Bound: both hold the next revision
	 * within 15 s of it being written.
	 */
	@Test
	void applierThatThrowsForOneRevisionKeepsTheLastGoodStateAndTheNextRevisionApplies() {
		TestNode writer = node("writer");
		Follower failing = node("r1").follower(TOPIC, faultOptions());
		Follower healthy = node("r2").follower(TOPIC, faultOptions());
		Settings goodState = Settings.of("good", 1);
		Revision good = writer.store.publish(TOPIC, goodState);
		awaitConverged(server(), TOPIC, List.of(failing, healthy), System.nanoTime());
		// the next revision comes from the server clock: refuse whatever comes next, then
		// only that one
		failing.failApplies((revision) -> revision > good.longValue());
		Revision bad = writer.store.publish(TOPIC, Settings.of("refused", 2));
		failing.failApplies((revision) -> revision == bad.longValue());
		await("apply error reported").atMost(CONVERGENCE_BOUND)
			.untilAsserted(() -> assertThat(failing.errors(SyncPhase.APPLY)).singleElement().satisfies((error) -> {
				assertThat(error.snapshotRevision()).isEqualTo(bad);
				assertThat(error.localRevision()).isEqualTo(good);
				assertThat(error.cause()).isInstanceOf(InjectedFault.class);
				assertThat(error.willRetry()).isFalse();
			}));
		await().atMost(CONVERGENCE_BOUND).untilAsserted(() -> assertThat(healthy.localRevision()).isEqualTo(bad));
		assertThat(failing.localRevision()).isEqualTo(good);
		assertThat(failing.value.get()).isEqualTo(goodState);
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> failing.handle().refresh().get(CONVERGENCE_BOUND.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(InjectedFault.class);
		assertThat(failing.errors(SyncPhase.APPLY)).hasSize(2);
		assertThat(failing.localRevision()).isEqualTo(good);
		assertThat(failing.value.get()).isEqualTo(goodState);
		long faultEnded = System.nanoTime();
		Revision next = writer.store.publish(TOPIC, Settings.of("next", 3));
		long millis = awaitConverged(server(), TOPIC, List.of(failing, healthy), faultEnded);
		assertThat(failing.applied).containsSubsequence(good, next).doesNotContain(bad);
		report("applier-throws", millis, 1, "revision " + bad + " refused twice, next revision applied");
	}

	/**
	 * Fault: two writers on two nodes race a compare-and-set increment of a counter, 50
	 * rounds, both reading the same revision and then writing at the same moment. Each
	 * round exactly one wins and the loser is told the winner's revision; no update is
	 * lost (the counter equals the number of wins). Bound: a reader holds the final
	 * counter within 15 s of the last round.
	 */
	@Test
	void compareAndSetRacesHaveExactlyOneWinnerPerRoundAndLoseNoUpdate() throws Exception {
		TestNode a = node("a");
		TestNode b = node("b");
		Follower reader = node("reader").follower(TOPIC, faultOptions());
		int rounds = 50;
		int wins = 0;
		ExecutorService racers = Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < rounds; round++) {
				CyclicBarrier start = new CyclicBarrier(2);
				List<CompletableFuture<PublishResult>> results = new ArrayList<>();
				for (TestNode writer : List.of(a, b)) {
					results.add(CompletableFuture.supplyAsync(() -> increment(writer, start), racers));
				}
				PublishResult first = results.get(0).get(30, TimeUnit.SECONDS);
				PublishResult second = results.get(1).get(30, TimeUnit.SECONDS);
				assertThat(List.of(first, second)).as("round %d", round)
					.filteredOn(PublishResult::published)
					.hasSize(1);
				assertThat(first.revision()).as("round %d: the loser is told the winner's revision", round)
					.isEqualTo(second.revision());
				wins++;
			}
		}
		finally {
			racers.shutdownNow();
		}
		long faultEnded = System.nanoTime();
		SnapshotEnvelope<Settings> last = a.store.<Settings>provider(Settings.class)
			.fetch(TOPIC, Revision.ZERO)
			.get(30, TimeUnit.SECONDS);
		assertThat(last.data().maxUploadMb()).isEqualTo(wins).isEqualTo(rounds);
		long millis = awaitConverged(server(), TOPIC, List.of(reader), faultEnded);
		assertThat(reader.value.get().maxUploadMb()).isEqualTo(rounds);
		report("cas-race", millis, wins, rounds + " rounds, one winner each");
	}

	private static PublishResult increment(TestNode writer, CyclicBarrier start) {
		try {
			SnapshotEnvelope<Settings> current = writer.store.<Settings>provider(Settings.class)
				.fetch(TOPIC, Revision.ZERO)
				.get(30, TimeUnit.SECONDS);
			Revision expected = (current != null) ? current.revision() : Revision.ZERO;
			int count = (current != null) ? current.data().maxUploadMb() : 0;
			start.await(30, TimeUnit.SECONDS);
			return writer.store.publishIfCurrent(TOPIC, expected, Settings.of(writer.id, count + 1));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Fault: a slow applier (200 ms per apply) whose first apply is held until 5,000
	 * invalidations (5,000 writes made as fast as Redis takes them) have reached the
	 * handle. Coalescing must turn the burst into at most a few fetches and applies (2 by
	 * the design, one spare), not one per event: the work, and so the memory, does not
	 * grow with the event rate. Bound: the reader holds the last revision within 15 s of
	 * the applier being released.
	 */
	@Test
	void slowApplierCoalescesFiveThousandInvalidationsIntoAFewFetches() throws Exception {
		TestNode writer = node("writer");
		Follower reader = node("reader").follower(TOPIC, faultOptions());
		reader.slowApplies(Duration.ofMillis(200));
		writer.store.publish(TOPIC, Settings.of("before", 0));
		awaitConverged(server(), TOPIC, List.of(reader), System.nanoTime());
		int fetchesBefore = reader.fetches.get();
		int appliesBefore = reader.applyCalls.get();
		int eventsBefore = reader.events();
		int invalidations = 5000;
		CountDownLatch gate = reader.holdNextApply();
		long faultEnded;
		try {
			List<CompletableFuture<Revision>> writes = new ArrayList<>();
			for (int i = 1; i <= invalidations; i++) {
				writes.add(writer.store.publishAsync(TOPIC, Settings.of("w" + i, i)));
			}
			CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			await("every invalidation reached the handle").atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(reader.events() - eventsBefore)
					.as("events delivered while the apply is held, on threads %s", reader.applyThreads)
					.isEqualTo(invalidations));
			assertThat(reader.applyCalls.get() - appliesBefore).as("the first apply is held").isEqualTo(1);
		}
		finally {
			gate.countDown();
			faultEnded = System.nanoTime();
		}
		long millis = awaitConverged(server(), TOPIC, List.of(reader), faultEnded);
		int fetches = reader.fetches.get() - fetchesBefore;
		int applies = reader.applyCalls.get() - appliesBefore;
		assertThat(reader.value.get().maxUploadMb()).isEqualTo(invalidations);
		assertThat(fetches).as("fetches for %d invalidations", invalidations).isBetween(1, 3);
		assertThat(applies).as("applies for %d invalidations", invalidations).isBetween(1, 3);
		assertThat(reader.outcomes(InvalidationOutcome.ACCEPTED)).isPositive();
		report("slow-applier", millis, invalidations, fetches + " fetches, " + applies + " applies, "
				+ reader.coalesced.get() + " refresh requests coalesced");
	}

	/**
	 * No fault in Redis: a reader whose applier takes 50 ms, under one write every 10 ms
	 * for 2 s. Redis stores a snapshot before it publishes its invalidation (one script),
	 * so a snapshot read is never older than an event received before the read was made:
	 * the store never lags, and a healthy store must not be reported as failing. Events
	 * that arrive while a fetch or apply is in progress are the queued refresh's job.
	 * Bound: the reader holds the last revision within 15 s of the last write.
	 * <p>
	 * KNOWN FAILURE (main-code bug, see the fault-injection report): the engine compares
	 * the fetched snapshot with the highest revision announced when the fetch
	 * <em>completes</em>, so events that arrive during the fetch or the apply are
	 * reported as a lagging source (phase {@code FETCH}, {@code SnapshotLagException})
	 * and retried with back-off.
	 */
	@Test
	void healthyStoreUnderSteadyWritesIsNeverReportedAsLagging() {
		TestNode writer = node("writer");
		Follower reader = node("reader").follower(TOPIC, faultOptions());
		reader.slowApplies(Duration.ofMillis(50));
		writer.store.publish(TOPIC, Settings.of("before", 0));
		awaitConverged(server(), TOPIC, List.of(reader), System.nanoTime());
		long faultStarted;
		long faultEnded;
		try (BackgroundWriter writes = new BackgroundWriter(writer, TOPIC, Duration.ofMillis(10))) {
			faultStarted = System.nanoTime();
			FaultSupport.pause(Duration.ofSeconds(2));
			writes.stop();
			faultEnded = System.nanoTime();
			long millis = awaitConverged(server(), TOPIC, List.of(reader), faultEnded);
			report("steady-writes-slow-applier", millis, writes.writtenBetween(faultStarted, faultEnded),
					reader.errors(SyncPhase.FETCH).size() + " fetch errors reported");
		}
		assertThat(reader.errors(SyncPhase.FETCH)).as("fetch errors from a store that never lagged")
			.extracting((error) -> error.cause().toString())
			.isEmpty();
	}

	/**
	 * No fault in Redis: one write every 5 ms for 3 s to two readers. The Redis provider
	 * completes its futures on Lettuce's I/O thread; the engine must hand every fetched
	 * snapshot to threads of its own before applying it, so that a slow or blocking
	 * applier (binding, validation, listeners that publish) never runs on Lettuce's I/O
	 * thread, where it would stall the one pub/sub connection that carries every topic's
	 * invalidations. Bound: both readers hold the last revision within 15 s of the last
	 * write.
	 */
	@Test
	void appliesNeverRunOnTheSubscribersIoThread() {
		TestNode writer = node("writer");
		List<Follower> readers = List.of(node("r1").follower(TOPIC, faultOptions()),
				node("r2").follower(TOPIC, faultOptions()));
		writer.store.publish(TOPIC, Settings.of("before", 0));
		awaitConverged(server(), TOPIC, readers, System.nanoTime());
		long faultStarted;
		long faultEnded;
		try (BackgroundWriter writes = new BackgroundWriter(writer, TOPIC, Duration.ofMillis(5))) {
			faultStarted = System.nanoTime();
			FaultSupport.pause(Duration.ofSeconds(3));
			writes.stop();
			faultEnded = System.nanoTime();
			long millis = awaitConverged(server(), TOPIC, readers, faultEnded);
			report("steady-writes-apply-threads", millis, writes.writtenBetween(faultStarted, faultEnded),
					readers.stream()
						.map((reader) -> reader.name() + " applied on " + reader.applyThreads)
						.toList()
						.toString());
		}
		assertThat(readers).allSatisfy((reader) -> assertThat(reader.applyThreads).as(reader.name())
			.allSatisfy((thread) -> assertThat(thread).startsWith("statesync-")));
	}

	/**
	 * Fault: a peer (or a buggy writer) publishes a valid invalidation announcing the
	 * largest revision, u64 max, that the store will never reach. Writes: 20 good ones
	 * after it, 50 ms apart. The announcement cannot be refused (it is well formed), but
	 * it must not stop the node from following the store: every later write is still
	 * applied, in order. Bound: the reader holds the last revision within 15 s of the
	 * last write.
	 */
	@Test
	void peerAnnouncingARevisionFarAheadDoesNotStopConvergence() {
		TestNode writer = node("writer");
		Follower reader = node("reader").follower(TOPIC, faultOptions());
		writer.store.publish(TOPIC, Settings.of("before", 0));
		awaitConverged(server(), TOPIC, List.of(reader), System.nanoTime());
		int accepted = reader.outcomes(InvalidationOutcome.ACCEPTED);
		writer.raw()
			.convertAndSend(RedisTopicKeys.DEFAULT.channel(TOPIC),
					("{\"topic\":\"settings\",\"revision\":\"" + Revision.MAX + "\"}")
						.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		// the announcement is accepted; it stays announced only until the lag retries run
		// out, which may be quicker than a poll of this wait
		await().atMost(CONVERGENCE_BOUND)
			.untilAsserted(() -> assertThat(reader.outcomes(InvalidationOutcome.ACCEPTED)).isGreaterThan(accepted));
		int applied = reader.applied.size();
		for (int i = 0; i < 20; i++) {
			writer.store.publish(TOPIC, Settings.of("w" + i, i));
			FaultSupport.pause(Duration.ofMillis(50));
		}
		long faultEnded = System.nanoTime();
		long millis = awaitConverged(server(), TOPIC, List.of(reader), faultEnded);
		assertThat(reader.applied.size()).isGreaterThan(applied);
		report("announced-far-ahead", millis, 20,
				reader.errors(SyncPhase.FETCH).size() + " fetch errors reported as lag behind u64 max");
	}

	private static Revision redisRevision() {
		return FaultSupport.redisRevision(server(), TOPIC);
	}

}
