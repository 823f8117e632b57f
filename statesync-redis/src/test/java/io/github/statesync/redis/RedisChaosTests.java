package io.github.statesync.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncOptions;
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
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A randomised chaos run on a real Redis process: a seeded, reproducible sequence of
 * steps mixing every fault of {@link RedisFaultInjectionTests} and
 * {@link RedisBadInputTests} (Redis stopped and restarted, Redis paused past the client
 * timeout, pub/sub connections killed, a failing provider, an applier throwing for one
 * revision, compare-and-set races, bad events and snapshots) with writes in between.
 * After every step: every node applied strictly increasing revisions, never the data of a
 * malformed snapshot, and holds the latest revision and data within
 * {@link FaultSupport#CONVERGENCE_BOUND} of the fault's end.
 * <p>
 * The seed is printed; rerun a sequence with {@code -Dstatesync.chaos.seed=<seed>}. The
 * run lasts {@code statesync.chaos.duration} (default 20 s; ISO-8601 like {@code PT5M},
 * or {@code 300s}, {@code 5m}); the {@code chaos} Maven profile runs it for 5 minutes.
 * Timing still varies between runs, so a seed replays the same faults and parameters, not
 * the same interleavings.
 */
class RedisChaosTests {

	private static final String TOPIC = "settings";

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<TestNode> nodes = new ArrayList<>();

	private final List<Follower> followers = new ArrayList<>();

	@AfterEach
	void healRedisThenCloseNodes() {
		FaultSupport.heal(redis.server());
		this.nodes.forEach(TestNode::close);
	}

	/**
	 * Fault: a seeded random sequence of every fault, for
	 * {@code statesync.chaos.duration}. Writes: during and between the faults. Bound:
	 * after every step, every node holds the latest revision within 15 s of the fault's
	 * end, having applied only strictly increasing revisions and no malformed snapshot.
	 */
	@Test
	void randomisedFaultsKeepEveryInvariantAndEveryNodeConverges() {
		long seed = seed();
		Duration duration = duration();
		System.out.printf("CHAOS seed %d, duration %s (replay with -Dstatesync.chaos.seed=%d)%n", seed, duration, seed);
		Random random = new Random(seed);
		SyncOptions options = FAULT_OPTIONS.withFetchTimeout(Duration.ofMillis(1500));
		TestNode n1 = node("n1", (builder) -> builder.options(options));
		TestNode n2 = node("n2", (builder) -> builder.options(options));
		node("n3", (builder) -> builder.options(options.withPollInterval(Duration.ofSeconds(2))));
		n1.store.publish(TOPIC, Settings.of("initial", 0));
		FaultSupport.awaitConverged(server(), TOPIC, this.followers, System.nanoTime());
		FaultSupport.awaitSubscribers(server(), TOPIC, this.followers.size());
		Map<Step, List<Long>> convergence = new EnumMap<>(Step.class);
		int totalWrites = 0;
		long deadline = System.nanoTime() + duration.toNanos();
		int number = 0;
		while (System.nanoTime() - deadline < 0) {
			number++;
			Step step = Step.values()[random.nextInt(Step.values().length)];
			Random stepRandom = new Random(random.nextLong());
			try {
				Outcome outcome = run(step, stepRandom, n1, n2);
				if (FaultSupport.redisRevision(server(), TOPIC) == null) {
					// Redis lost its data and no write made it after the restart
					writeUntilAccepted(n1, Settings.of("after-" + number, number));
				}
				long millis = FaultSupport.awaitConverged(server(), TOPIC, this.followers, outcome.faultEnded);
				// the next step may need its events delivered to every node
				FaultSupport.awaitSubscribers(server(), TOPIC, this.followers.size());
				convergence.computeIfAbsent(step, (key) -> new ArrayList<>()).add(millis);
				totalWrites += outcome.writes;
				System.out.printf("CHAOS step %d %s (%s): converged %d ms after fault ended, %d writes during fault%n",
						number, step.label, outcome.details, millis, outcome.writes);
			}
			catch (AssertionError | RuntimeException ex) {
				throw new AssertionError("Chaos run with seed " + seed + " failed at step " + number + " (" + step.label
						+ "); replay with -Dstatesync.chaos.seed=" + seed + ": " + ex.getMessage(), ex);
			}
			finally {
				FaultSupport.heal(server());
				this.followers.forEach(Follower::clearFaults);
			}
		}
		long max = convergence.values().stream().flatMap(List::stream).mapToLong(Long::longValue).max().orElse(0);
		StringBuilder perStep = new StringBuilder();
		convergence.forEach((step, millis) -> perStep
			.append(String.format(Locale.ROOT, "%s%s x%d max %d ms", perStep.isEmpty() ? "" : ", ", step.label,
					millis.size(), millis.stream().mapToLong(Long::longValue).max().orElse(0))));
		FaultSupport.report("chaos", max, totalWrites, number + " steps, seed " + seed + ": " + perStep);
		assertThat(number).isPositive();
	}

	private Outcome run(Step step, Random random, TestNode n1, TestNode n2) throws AssertionError {
		return switch (step) {
			case REDIS_RESTART -> redisRestart(random, n1);
			case REDIS_PAUSE -> redisPause(random, n2);
			case PUBSUB_KILLS -> pubSubKills(random, n1);
			case FAILING_PROVIDER -> failingProvider(random, n2);
			case THROWING_APPLIER -> throwingApplier(random, n1);
			case CAS_RACE -> casRace(random, n1, n2);
			case BAD_EVENT -> badEvent(random, n2);
			case BAD_SNAPSHOT -> badSnapshot(random, n1);
			case WRITE_BURST -> writeBurst(random, n1, n2);
		};
	}

	private Outcome redisRestart(Random random, TestNode writer) {
		Duration down = Duration.ofMillis(300 + random.nextInt(1200));
		try (BackgroundWriter writes = new BackgroundWriter(writer, TOPIC, Duration.ofMillis(20))) {
			await().atMost(CONVERGENCE_BOUND).until(() -> writes.written() >= 3);
			long started = System.nanoTime();
			server().stop();
			FaultSupport.pause(down);
			server().restart();
			long ended = System.nanoTime();
			await("a write after the restart").atMost(CONVERGENCE_BOUND).until(() -> writes.writtenAfter(ended) >= 1);
			writes.stop();
			return new Outcome(ended, writes.writtenBetween(started, ended),
					"down " + down.toMillis() + " ms, " + writes.refused.get() + " writes refused");
		}
	}

	private Outcome redisPause(Random random, TestNode writer) {
		Duration frozen = COMMAND_TIMEOUT.plusMillis(200 + random.nextInt(1300));
		try (BackgroundWriter writes = new BackgroundWriter(writer, TOPIC, Duration.ofMillis(50))) {
			await().atMost(CONVERGENCE_BOUND).until(() -> writes.written() >= 2);
			long started = System.nanoTime();
			server().pause();
			try {
				FaultSupport.pause(frozen);
			}
			finally {
				server().resume();
			}
			long ended = System.nanoTime();
			await("a write after the resume").atMost(CONVERGENCE_BOUND).until(() -> writes.writtenAfter(ended) >= 1);
			writes.stop();
			return new Outcome(ended, writes.writtenBetween(started, ended),
					"frozen " + frozen.toMillis() + " ms, " + writes.refused.get() + " writes timed out");
		}
	}

	private Outcome pubSubKills(Random random, TestNode writer) {
		Duration length = Duration.ofMillis(1000 + random.nextInt(2000));
		long every = 100 + random.nextInt(200);
		long killed = 0;
		try (BackgroundWriter writes = new BackgroundWriter(writer, TOPIC, Duration.ofMillis(10))) {
			long started = System.nanoTime();
			while (System.nanoTime() - started < length.toNanos()) {
				killed += server().killPubSubClients();
				FaultSupport.pause(Duration.ofMillis(every));
			}
			killed += server().killPubSubClients();
			long ended = System.nanoTime();
			writes.stop();
			return new Outcome(ended, writes.writtenBetween(started, ended),
					killed + " connections killed every " + every + " ms for " + length.toMillis() + " ms");
		}
	}

	private Outcome failingProvider(Random random, TestNode writer) {
		double fraction = 0.3 + random.nextDouble() * 0.4;
		List<Follower> failing = pickSome(random);
		for (Follower follower : failing) {
			Random failures = new Random(random.nextLong());
			follower.failFetches((fetch) -> failures.nextDouble() < fraction);
		}
		int writes = 10 + random.nextInt(20);
		for (int i = 0; i < writes; i++) {
			writer.store.publish(TOPIC, Settings.of("p" + i, i));
			FaultSupport.pause(Duration.ofMillis(30));
		}
		failing.forEach(Follower::clearFaults);
		return new Outcome(System.nanoTime(), writes, String.format(Locale.ROOT, "%.0f%% of fetches failing on %s",
				fraction * 100, failing.stream().map(Follower::name).toList()));
	}

	private Outcome throwingApplier(Random random, TestNode writer) {
		Follower failing = this.followers.get(random.nextInt(this.followers.size()));
		Revision current = FaultSupport.redisRevision(server(), TOPIC);
		int applyErrors = failing.errors(SyncPhase.APPLY).size();
		// the next revision comes from the server clock: refuse whatever comes next, then
		// only that one
		failing.failApplies((revision) -> revision > current.longValue());
		Revision bad = writer.store.publish(TOPIC, Settings.of("refused", -1));
		failing.failApplies((revision) -> revision == bad.longValue());
		await("apply error reported").atMost(CONVERGENCE_BOUND)
			.untilAsserted(() -> assertThat(failing.errors(SyncPhase.APPLY)).hasSizeGreaterThan(applyErrors));
		assertThat(failing.localRevision()).isEqualTo(current);
		long ended = System.nanoTime();
		writer.store.publish(TOPIC, Settings.of("after-refused", 1));
		return new Outcome(ended, 1, failing.name() + " refuses revision " + bad);
	}

	private Outcome casRace(Random random, TestNode a, TestNode b) {
		int rounds = 3 + random.nextInt(8);
		int start = currentCounter(a);
		int wins = 0;
		ExecutorService racers = Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < rounds; round++) {
				CyclicBarrier barrier = new CyclicBarrier(2);
				CompletableFuture<PublishResult> first = CompletableFuture.supplyAsync(() -> increment(a, barrier),
						racers);
				CompletableFuture<PublishResult> second = CompletableFuture.supplyAsync(() -> increment(b, barrier),
						racers);
				List<PublishResult> results = List.of(first.get(30, TimeUnit.SECONDS),
						second.get(30, TimeUnit.SECONDS));
				assertThat(results).as("round %d", round).filteredOn(PublishResult::published).hasSize(1);
				wins++;
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			racers.shutdownNow();
		}
		assertThat(currentCounter(a)).as("counter after %d rounds", rounds).isEqualTo(start + wins);
		return new Outcome(System.nanoTime(), wins, rounds + " rounds, one winner each");
	}

	private Outcome badEvent(Random random, TestNode writer) {
		List<BadInput> corpus = BadInput.events();
		BadInput input = corpus.get(random.nextInt(corpus.size()));
		Revision good = FaultSupport.redisRevision(server(), TOPIC);
		List<Integer> before = this.followers.stream()
			.map((follower) -> follower.errors(SyncPhase.PROTOCOL).size())
			.toList();
		writer.raw().convertAndSend(RedisTopicKeys.DEFAULT.channel(TOPIC), input.payload().apply(good));
		await("every node refused the event as " + input.refusal()).atMost(CONVERGENCE_BOUND)
			.untilAsserted(() -> assertThat(this.followers).allSatisfy((follower) -> {
				int now = follower.errors(SyncPhase.PROTOCOL).size();
				assertThat(now).as(follower.name()).isGreaterThan(before.get(this.followers.indexOf(follower)));
			}));
		assertThat(this.followers).allSatisfy((follower) -> assertThat(follower.localRevision()).isEqualTo(good));
		long ended = System.nanoTime();
		writer.store.publish(TOPIC, Settings.of("after-bad-event", 1));
		return new Outcome(ended, 0, "event: " + input.name());
	}

	private Outcome badSnapshot(Random random, TestNode writer) {
		List<BadInput> corpus = BadInput.snapshots();
		BadInput input = corpus.get(random.nextInt(corpus.size()));
		Revision good = FaultSupport.redisRevision(server(), TOPIC);
		SyncPhase phase = (input.refusal() == BadInput.Refusal.LAG) ? SyncPhase.FETCH : SyncPhase.PROTOCOL;
		List<Integer> before = this.followers.stream().map((follower) -> follower.errors(phase).size()).toList();
		writer.raw().opsForValue().set(RedisTopicKeys.DEFAULT.snapshotKey(TOPIC), input.payload().apply(good));
		writer.raw()
			.convertAndSend(RedisTopicKeys.DEFAULT.channel(TOPIC),
					("{\"topic\":\"" + TOPIC + "\",\"revision\":\"" + good.next() + "\"}")
						.getBytes(StandardCharsets.UTF_8));
		await("every node refused the snapshot in phase " + phase).atMost(CONVERGENCE_BOUND)
			.untilAsserted(() -> assertThat(this.followers)
				.allSatisfy((follower) -> assertThat(follower.errors(phase)).as(follower.name())
					.hasSizeGreaterThan(before.get(this.followers.indexOf(follower)))));
		assertThat(this.followers).allSatisfy((follower) -> assertThat(follower.localRevision()).isEqualTo(good));
		long ended = System.nanoTime();
		writer.store.publish(TOPIC, Settings.of("after-bad-snapshot", 1));
		return new Outcome(ended, 0, "snapshot: " + input.name());
	}

	private Outcome writeBurst(Random random, TestNode a, TestNode b) {
		int writes = 50 + random.nextInt(250);
		List<CompletableFuture<Revision>> results = new ArrayList<>();
		for (int i = 0; i < writes; i++) {
			TestNode writer = (i % 2 == 0) ? a : b;
			results.add(writer.store.publishAsync(TOPIC, Settings.of("burst" + i, i)));
		}
		try {
			CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return new Outcome(System.nanoTime(), writes, writes + " async writes from two nodes");
	}

	private List<Follower> pickSome(Random random) {
		List<Follower> picked = new ArrayList<>();
		for (Follower follower : this.followers) {
			if (random.nextBoolean()) {
				picked.add(follower);
			}
		}
		if (picked.isEmpty()) {
			picked.add(this.followers.get(random.nextInt(this.followers.size())));
		}
		return picked;
	}

	private static int currentCounter(TestNode node) {
		SnapshotEnvelope<Settings> current = fetch(node);
		return (current != null) ? current.data().maxUploadMb() : 0;
	}

	private static PublishResult increment(TestNode writer, CyclicBarrier barrier) {
		try {
			SnapshotEnvelope<Settings> current = fetch(writer);
			Revision expected = (current != null) ? current.revision() : Revision.ZERO;
			int count = (current != null) ? current.data().maxUploadMb() : 0;
			barrier.await(30, TimeUnit.SECONDS);
			return writer.store.publishIfCurrent(TOPIC, expected, Settings.of(writer.id, count + 1));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static SnapshotEnvelope<Settings> fetch(TestNode node) {
		try {
			return node.store.<Settings>provider(Settings.class).fetch(TOPIC, Revision.ZERO).get(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void writeUntilAccepted(TestNode writer, Settings value) {
		await("a write accepted").atMost(CONVERGENCE_BOUND)
			.ignoreExceptions()
			.until(() -> writer.store.publish(TOPIC, value), (revision) -> true);
	}

	private TestNode node(String id, Consumer<SyncHandle.Builder<Settings>> customizer) {
		TestNode node = new TestNode(id, server(), COMMAND_TIMEOUT);
		this.nodes.add(node);
		this.followers.add(node.follower(TOPIC, customizer));
		return node;
	}

	private static RedisServer server() {
		return redis.server();
	}

	private static long seed() {
		String configured = System.getProperty("statesync.chaos.seed");
		return (configured != null && !configured.isBlank()) ? Long.parseLong(configured.trim())
				: ThreadLocalRandom.current().nextLong();
	}

	private static Duration duration() {
		String configured = System.getProperty("statesync.chaos.duration", "").trim().toLowerCase(Locale.ROOT);
		if (configured.isEmpty()) {
			return Duration.ofSeconds(20);
		}
		if (configured.matches("\\d+s?")) {
			return Duration.ofSeconds(Long.parseLong(configured.replace("s", "")));
		}
		if (configured.matches("\\d+m")) {
			return Duration.ofMinutes(Long.parseLong(configured.replace("m", "")));
		}
		return Duration.parse(configured.toUpperCase(Locale.ROOT));
	}

	private enum Step {

		REDIS_RESTART("redis-stop-restart"), REDIS_PAUSE("redis-pause"), PUBSUB_KILLS("pubsub-kill"),
		FAILING_PROVIDER("provider-failing"), THROWING_APPLIER("applier-throws"), CAS_RACE("cas-race"),
		BAD_EVENT("bad-event"), BAD_SNAPSHOT("bad-snapshot"), WRITE_BURST("write-burst");

		final String label;

		Step(String label) {
			this.label = label;
		}

	}

	private record Outcome(long faultEnded, int writes, String details) {

	}

}
