package io.github.statesync.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisSnapshotStore#revisions} reads the revisions of many topics in batches,
 * without their snapshots, from a real Redis.
 */
class RedisRevisionsIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<TestNode> nodes = new ArrayList<>();

	@AfterEach
	void close() {
		this.nodes.forEach(TestNode::close);
		redis.server().command("FLUSHALL");
	}

	private TestNode node() {
		TestNode node = new TestNode("a", redis.server());
		this.nodes.add(node);
		return node;
	}

	@Test
	void readsTheRevisionOfEveryTopicAcrossSeveralBatchesAndLeavesOutMissingKeys() throws Exception {
		int count = RedisSnapshotStore.REVISIONS_BATCH_SIZE * 2 + 500;
		List<String> topics = new ArrayList<>();
		List<String> mset = new ArrayList<>(List.of("MSET"));
		for (int i = 0; i < count; i++) {
			String topic = "topic-" + i;
			topics.add(topic);
			if (i % 7 != 0) {
				mset.add(RedisTopicKeys.DEFAULT.revisionKey(topic));
				mset.add(Long.toString(1_000_000L + i));
			}
		}
		redis.server().command(mset.toArray(String[]::new));
		Map<String, Revision> revisions = node().store.revisions(topics).get(10, TimeUnit.SECONDS);
		assertThat(revisions).hasSize(count - (count + 6) / 7);
		for (int i = 0; i < count; i++) {
			if (i % 7 == 0) {
				assertThat(revisions).doesNotContainKey("topic-" + i);
			}
			else {
				assertThat(revisions).containsEntry("topic-" + i, Revision.of(1_000_000L + i));
			}
		}
	}

	@Test
	void answersWhatPublishesStored() throws Exception {
		TestNode node = node();
		Revision settings = node.store.publish("settings", new Settings("dark", 1, Map.of()));
		Revision flags = node.store.publish("flags", new Settings("light", 2, Map.of()));
		assertThat(node.store.revisions(List.of("settings", "flags", "never-written")).get(10, TimeUnit.SECONDS))
			.containsExactlyInAnyOrderEntriesOf(Map.of("settings", settings, "flags", flags));
	}

	@Test
	void leavesOutAKeyThatHoldsNoCanonicalRevision() throws Exception {
		redis.server().command("SET", RedisTopicKeys.DEFAULT.revisionKey("garbled"), "012");
		redis.server().command("SET", RedisTopicKeys.DEFAULT.revisionKey("fine"), "12");
		assertThat(node().store.revisions(List.of("garbled", "fine")).get(10, TimeUnit.SECONDS))
			.containsExactlyEntriesOf(Map.of("fine", Revision.of(12)));
	}

	@Test
	void answersNothingForNoTopics() throws Exception {
		assertThat(node().store.revisions(List.of()).get(10, TimeUnit.SECONDS)).isEmpty();
	}

}
