package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.github.statesync.core.engine.SyncScheduler;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.redis.RedisFleetView.TopicView;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes report the revisions they hold; the fleet view read from Redis names the
 * laggards and forgets nodes that stop or die.
 */
class RedisFleetIntegrationTests {

	private static final String TOPIC = "settings";

	private static final Duration INTERVAL = Duration.ofMillis(100);

	private static final Duration TTL = Duration.ofSeconds(2);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void namesTheNodeWhoseApplierIsHeldAsLaggardUntilItCatchesUp() {
		Member a = member("a", SyncScheduler.shared());
		Member b = member("b", SyncScheduler.shared());
		Member c = member("c", SyncScheduler.shared());
		RedisFleetView view = view(a);
		Revision first = a.node.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> view.topic(TOPIC).nodes(),
					(nodes) -> nodes.equals(Map.of("a", first, "b", first, "c", first)));
		assertThat(view.topic(TOPIC).laggards()).isEmpty();

		CountDownLatch held = c.follower.holdNextApply();
		Revision second = a.node.store.publish(TOPIC, new Settings("light", 2, Map.of()));
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			TopicView topic = view.topic(TOPIC);
			assertThat(topic.nodes()).containsEntry("a", second).containsEntry("b", second).containsEntry("c", first);
			assertThat(topic.laggards()).containsExactly("c");
			assertThat(topic.highest()).isEqualTo(second);
			assertThat(topic.source()).isEqualTo(second);
		});
		RedisFleetView.FleetView fleet = view.fleet();
		assertThat(fleet.nodes()).containsOnlyKeys("a", "b", "c");
		assertThat(fleet.nodes().get("c").lagging()).isEqualTo(1);
		assertThat(fleet.nodes().get("a").lagging()).isZero();
		assertThat(fleet.laggards()).containsOnlyKeys(TOPIC);
		assertThat(fleet.laggards().get(TOPIC).laggards()).containsExactly("c");

		held.countDown();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			TopicView topic = view.topic(TOPIC);
			assertThat(topic.nodes()).containsEntry("c", second);
			assertThat(topic.laggards()).isEmpty();
		});
		assertThat(view.fleet().laggards()).isEmpty();
	}

	@Test
	void namesANodeBehindTheSourceAsLaggardEvenWhenNoNodeIsAhead() {
		Member a = member("a", SyncScheduler.shared());
		RedisFleetView view = view(a);
		Revision first = a.node.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(20)).until(() -> view.topic(TOPIC).nodes(), (nodes) -> !nodes.isEmpty());
		CountDownLatch held = a.follower.holdNextApply();
		this.resources.add(held::countDown);
		Revision second = a.node.store.publish(TOPIC, new Settings("light", 2, Map.of()));
		TopicView topic = view.topic(TOPIC);
		assertThat(topic.nodes()).containsEntry("a", first);
		assertThat(topic.source()).isEqualTo(second);
		assertThat(topic.laggards()).containsExactly("a");
	}

	@Test
	void aNodeThatStopsLeavesTheViewAtOnce() {
		Member a = member("a", SyncScheduler.shared());
		Member b = member("b", SyncScheduler.shared());
		RedisFleetView view = view(a);
		a.node.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> view.topic(TOPIC).nodes().keySet(), (nodes) -> nodes.containsAll(List.of("a", "b")));

		b.reporter.close();

		assertThat(view.topic(TOPIC).nodes()).containsOnlyKeys("a");
		assertThat(view.fleet().nodes()).containsOnlyKeys("a");
		assertThat(redis.server().command("SMEMBERS", RedisFleetView.nodesKey(RedisTopicKeys.DEFAULT)))
			.doesNotContain("b");
	}

	@Test
	void aNodeThatDiesLeavesTheViewWithinTheTtl() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
		this.resources.add(executor::shutdownNow);
		Member a = member("a", SyncScheduler.shared());
		member("b", SyncScheduler.of(executor));
		RedisFleetView view = view(a);
		a.node.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> view.fleet().nodes().keySet(), (nodes) -> nodes.containsAll(List.of("a", "b")));

		// b's process dies: no more reports, and nobody deletes its hash
		executor.shutdownNow();

		await().atMost(TTL.multipliedBy(5)).until(() -> view.fleet().nodes().keySet(), (nodes) -> !nodes.contains("b"));
		assertThat(view.topic(TOPIC).nodes()).containsOnlyKeys("a");
	}

	@Test
	void reportExpiredWhileTheNodeWasPausedIsWrittenWholeAgain() {
		Member a = member("a", SyncScheduler.shared());
		RedisFleetView view = view(a);
		Revision first = a.node.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> view.topic(TOPIC).nodes(), (nodes) -> nodes.equals(Map.of("a", first)));

		// as if the key expired while the node was paused past the TTL
		redis.server().command("DEL", RedisFleetView.nodeKey(RedisTopicKeys.DEFAULT, "a"));

		await().atMost(Duration.ofSeconds(20))
			.until(() -> view.topic(TOPIC).nodes(), (nodes) -> nodes.equals(Map.of("a", first)));
	}

	@Test
	void wholeViewListsOnlyTheNodesWhenTheyReportedMoreEntriesThanItReads() {
		Member a = member("a", SyncScheduler.shared());
		member("b", SyncScheduler.shared());
		a.node.store.publish(TOPIC, new Settings("dark", 1, Map.of()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> view(a).topic(TOPIC).nodes().keySet(), (nodes) -> nodes.containsAll(List.of("a", "b")));
		RedisFleetView small = new RedisFleetView(a.node.connectionFactory, RedisTopicKeys.DEFAULT,
				Duration.ofSeconds(5), 1);

		RedisFleetView.FleetView fleet = small.fleet();

		assertThat(fleet.complete()).isFalse();
		assertThat(fleet.nodes()).containsOnlyKeys("a", "b");
		assertThat(fleet.nodes().get("a").topics()).isEqualTo(1);
		assertThat(fleet.nodes().get("a").lagging()).isNull();
		assertThat(view(a).fleet().complete()).isTrue();
	}

	private Member member(String id, SyncScheduler scheduler) {
		TestNode node = new TestNode(id, redis.server());
		this.resources.add(node);
		RedisFleetReporter reporter = new RedisFleetReporter(node.connectionFactory, RedisTopicKeys.DEFAULT, id,
				scheduler, INTERVAL, TTL, Clock.systemUTC());
		this.resources.add(reporter);
		reporter.start();
		Follower follower = node.follower(TOPIC, (builder) -> builder.listener(reporter));
		return new Member(node, reporter, follower);
	}

	private RedisFleetView view(Member member) {
		return new RedisFleetView(member.node.connectionFactory, RedisTopicKeys.DEFAULT, Duration.ofSeconds(5), 100);
	}

	private record Member(TestNode node, RedisFleetReporter reporter, Follower follower) {
	}

}
