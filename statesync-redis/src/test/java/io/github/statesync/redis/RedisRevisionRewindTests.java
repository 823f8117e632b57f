package io.github.statesync.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.statesync.core.engine.SourceRegressionException;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis loses or rewinds a topic's data under a running fleet: restored from an older RDB
 * file, or its revision key overwritten. No revision is ever issued twice, and every node
 * converges on what Redis holds, reporting the regression.
 */
class RedisRevisionRewindTests {

	private static final String TOPIC = "settings";

	private static final Duration CONVERGENCE = Duration.ofSeconds(15);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<TestNode> nodes = new ArrayList<>();

	@AfterEach
	void closeNodes() {
		this.nodes.forEach(TestNode::close);
		redis.server().command("FLUSHALL");
	}

	private TestNode node(String id) {
		TestNode node = new TestNode(id, redis.server());
		this.nodes.add(node);
		return node;
	}

	private static Settings settings(int version) {
		return new Settings("v" + version, version, Map.of());
	}

	@Test
	void fleetFollowsRedisRestoredFromAnOlderBackupAndNoRevisionIsIssuedTwice() {
		TestNode writer = node("a");
		List<Follower> fleet = List.of(writer.follower(TOPIC), node("b").follower(TOPIC), node("c").follower(TOPIC));
		writer.store.publish(TOPIC, settings(1));
		Revision saved = writer.store.publish(TOPIC, settings(2));
		redis.server().command("SAVE");
		writer.store.publish(TOPIC, settings(3));
		Revision newest = writer.store.publish(TOPIC, settings(4));
		awaitFleetAt(fleet, newest, settings(4));
		// kill Redis (nothing is saved on the way down) and start it on the older dump
		redis.server().restart();
		awaitFleetAt(fleet, saved, settings(2));
		for (Follower follower : fleet) {
			assertThat(follower.errors(SyncPhase.REGRESSION)).isNotEmpty()
				.allSatisfy((error) -> assertThat(error.cause()).isInstanceOf(SourceRegressionException.class)
					.hasMessageContaining("holds revision " + saved + ", older than revision " + newest));
		}
		Revision next = writer.store.publish(TOPIC, settings(5));
		assertThat(next).as("never a revision issued before the rewind").isGreaterThan(newest);
		awaitFleetAt(fleet, next, settings(5));
	}

	@Test
	void anOverwrittenRevisionCounterStrandsNoNode() {
		TestNode writer = node("a");
		List<Follower> fleet = List.of(writer.follower(TOPIC), node("b").follower(TOPIC));
		Revision first = writer.store.publish(TOPIC, settings(1));
		awaitFleetAt(fleet, first, settings(1));
		redis.server().command("SET", RedisTopicKeys.DEFAULT.revisionKey(TOPIC), "1");
		Revision next = writer.store.publish(TOPIC, settings(2));
		assertThat(next).isGreaterThan(first);
		awaitFleetAt(fleet, next, settings(2));
		assertThat(fleet).allSatisfy((follower) -> assertThat(follower.errors(SyncPhase.REGRESSION)).isEmpty());
	}

	@Test
	void aWriterWithAnOldScriptThatReissuesRevisionsIsFollowedAfterAStaleInvalidation() {
		TestNode writer = node("a");
		Follower reader = node("b").follower(TOPIC);
		Revision first = writer.store.publish(TOPIC, settings(1));
		Revision second = writer.store.publish(TOPIC, settings(2));
		await().atMost(CONVERGENCE).until(() -> reader.handle().localRevision().equals(second));
		// what a counter-only writer does after a rewind: store and announce a revision
		// the fleet already passed
		String envelope = "{\"revision\":\"" + first + "\",\"data\":{\"theme\":\"rewritten\",\"maxUploadMb\":7,"
				+ "\"features\":{}}}";
		redis.server().command("SET", RedisTopicKeys.DEFAULT.snapshotKey(TOPIC), envelope);
		redis.server()
			.command("PUBLISH", RedisTopicKeys.DEFAULT.channel(TOPIC),
					"{\"topic\":\"" + TOPIC + "\",\"revision\":\"" + first + "\"}");
		await().atMost(CONVERGENCE)
			.untilAsserted(() -> assertThat(reader.value.get()).isEqualTo(new Settings("rewritten", 7, Map.of())));
		assertThat(reader.handle().localRevision()).isEqualTo(first);
		assertThat(reader.errors(SyncPhase.REGRESSION)).hasSize(1);
	}

	private static void awaitFleetAt(List<Follower> fleet, Revision revision, Settings data) {
		for (Follower follower : fleet) {
			await(follower.name() + " at " + revision).atMost(CONVERGENCE).untilAsserted(() -> {
				assertThat(follower.handle().localRevision()).isEqualTo(revision);
				assertThat(follower.value.get()).isEqualTo(data);
			});
		}
	}

}
