package io.github.statesync.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.SnapshotLagException;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.github.statesync.redis.FaultSupport.CONVERGENCE_BOUND;
import static io.github.statesync.redis.FaultSupport.FAULT_OPTIONS;
import static io.github.statesync.redis.FaultSupport.awaitConverged;
import static io.github.statesync.redis.FaultSupport.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bad-input corpus ({@link BadInput}) against a node on real Redis, both published
 * raw at the topic's channel and stored raw as the topic's snapshot. Every case: refused
 * as the engine reports it (phase {@code PROTOCOL}, an event for another topic included;
 * a snapshot older than its event is a {@code FETCH} lag), the node stays up and
 * subscribed, the last good state is kept, and the next good write applies within
 * {@link FaultSupport#CONVERGENCE_BOUND}.
 */
class RedisBadInputTests {

	private static final String TOPIC = "settings";

	private static final Settings GOOD = Settings.of("good", 1);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<TestNode> nodes = new ArrayList<>();

	@AfterEach
	void closeNodes() {
		this.nodes.forEach(TestNode::close);
	}

	static Stream<BadInput> events() {
		return BadInput.events().stream();
	}

	static Stream<BadInput> snapshots() {
		return BadInput.snapshots().stream();
	}

	/**
	 * Fault: one malformed invalidation published raw at the topic's channel. Writes: the
	 * good one before, the next good one after. Bound: the next good write is applied
	 * within 15 s.
	 * @param input the bad event
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("events")
	void badInvalidationIsRefusedAndTheLastGoodStateStays(BadInput input) {
		TestNode writer = node("writer");
		Follower reader = node("reader").follower(TOPIC, (builder) -> builder.options(FAULT_OPTIONS));
		Revision good = writer.store.publish(TOPIC, GOOD);
		awaitConverged(redis.server(), TOPIC, List.of(reader), System.nanoTime());
		int protocolErrors = reader.errors(SyncPhase.PROTOCOL).size();
		int accepted = reader.outcomes(InvalidationOutcome.ACCEPTED);
		int fetches = reader.fetches.get();
		writer.raw().convertAndSend(RedisTopicKeys.DEFAULT.channel(TOPIC), input.payload().apply(good));
		assertThat(input.refusal()).as("every bad event is a protocol error").isEqualTo(BadInput.Refusal.PROTOCOL);
		await("protocol error").atMost(CONVERGENCE_BOUND)
			.untilAsserted(() -> assertThat(reader.errors(SyncPhase.PROTOCOL)).hasSize(protocolErrors + 1));
		SyncError error = reader.errors(SyncPhase.PROTOCOL).get(protocolErrors);
		assertThat(error.cause()).isInstanceOf(ProtocolException.class);
		assertThat(error.cause().getMessage()).isNotBlank();
		assertThat(error.localRevision()).isEqualTo(good);
		assertThat(error.willRetry()).isFalse();
		assertThat(reader.outcomes(InvalidationOutcome.INVALID)).isPositive();
		assertThat(reader.outcomes(InvalidationOutcome.ACCEPTED)).as("accepted events").isEqualTo(accepted);
		assertThat(reader.fetches.get()).as("fetches").isEqualTo(fetches);
		assertNodeUpWithLastGoodState(reader, good);
		assertNextGoodWriteApplies("bad-event", input, writer, reader);
	}

	/**
	 * Fault: one malformed snapshot stored raw under the topic's snapshot key, announced
	 * by a valid invalidation at the next revision. Writes: the good one before, the next
	 * good one after. Bound: the next good write is applied within 15 s.
	 * @param input the bad snapshot
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("snapshots")
	void badSnapshotIsRefusedAndTheLastGoodStateStays(BadInput input) {
		TestNode writer = node("writer");
		Follower reader = node("reader").follower(TOPIC, (builder) -> builder.options(FAULT_OPTIONS));
		Revision good = writer.store.publish(TOPIC, GOOD);
		awaitConverged(redis.server(), TOPIC, List.of(reader), System.nanoTime());
		int protocolErrors = reader.errors(SyncPhase.PROTOCOL).size();
		int fetchErrors = reader.errors(SyncPhase.FETCH).size();
		writer.raw().opsForValue().set(RedisTopicKeys.DEFAULT.snapshotKey(TOPIC), input.payload().apply(good));
		writer.raw()
			.convertAndSend(RedisTopicKeys.DEFAULT.channel(TOPIC),
					("{\"topic\":\"settings\",\"revision\":\"" + good.next() + "\"}").getBytes(StandardCharsets.UTF_8));
		switch (input.refusal()) {
			case PROTOCOL -> {
				await("protocol error").atMost(CONVERGENCE_BOUND)
					.untilAsserted(() -> assertThat(reader.errors(SyncPhase.PROTOCOL)).hasSize(protocolErrors + 1));
				SyncError error = reader.errors(SyncPhase.PROTOCOL).get(protocolErrors);
				assertThat(error.cause()).isInstanceOf(ProtocolException.class);
				assertThat(error.cause().getMessage()).isNotBlank();
				assertThat(error.localRevision()).isEqualTo(good);
				assertThat(error.eventRevision()).isEqualTo(good.next());
				assertThat(error.willRetry()).as("a bad snapshot is not fetched again at once").isFalse();
			}
			case LAG -> {
				await("lag reported until the retries run out").atMost(CONVERGENCE_BOUND)
					.untilAsserted(() -> assertThat(reader.errors(SyncPhase.FETCH)).hasSizeGreaterThan(fetchErrors)
						.last()
						.satisfies((error) -> assertThat(error.willRetry()).isFalse()));
				assertThat(reader.errors(SyncPhase.FETCH).subList(fetchErrors, reader.errors(SyncPhase.FETCH).size()))
					.hasSize(FaultSupport.FAST_RETRIES.maxAttempts())
					.allSatisfy((error) -> {
						assertThat(error.cause()).isInstanceOf(SnapshotLagException.class);
						assertThat(error.eventRevision()).isEqualTo(good.next());
					});
				assertThat(reader.errors(SyncPhase.PROTOCOL)).hasSize(protocolErrors);
			}
			default -> throw new IllegalArgumentException("not a snapshot refusal: " + input.refusal());
		}
		assertNodeUpWithLastGoodState(reader, good);
		assertNextGoodWriteApplies("bad-snapshot", input, writer, reader);
	}

	private void assertNodeUpWithLastGoodState(Follower reader, Revision good) {
		assertThat(reader.handle().state()).isEqualTo(SyncHandle.State.RUNNING);
		assertThat(reader.localRevision()).isEqualTo(good);
		assertThat(reader.value.get()).isEqualTo(GOOD);
		assertThat(reader.applied).containsExactly(good);
		FaultSupport.assertInvariants(List.of(reader));
	}

	private void assertNextGoodWriteApplies(String kind, BadInput input, TestNode writer, Follower reader) {
		long faultEnded = System.nanoTime();
		Revision next = writer.store.publish(TOPIC, Settings.of("next", 2));
		long millis = awaitConverged(redis.server(), TOPIC, List.of(reader), faultEnded);
		assertThat(reader.localRevision()).isEqualTo(next);
		report(kind + " " + input.name(), millis, 0, "refused as " + input.refusal());
	}

	private TestNode node(String id) {
		TestNode node = new TestNode(id, redis.server());
		this.nodes.add(node);
		return node;
	}

}
