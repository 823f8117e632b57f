package io.github.statesync.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.HistoryRecords;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.WriteMetadata;
import io.github.statesync.core.history.WriteReceipt;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The publish script keeps a topic's history in the same atomic step as its snapshot,
 * bounded by count and by bytes, against a real Redis.
 */
class RedisHistoryIntegrationTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private static final RedisTopicKeys KEYS = RedisTopicKeys.DEFAULT;

	private TestNode node;

	@BeforeEach
	void start() {
		redis.server().command("FLUSHALL");
		this.node = new TestNode("node-a", redis.server());
	}

	@AfterEach
	void stop() {
		this.node.close();
	}

	@Test
	void historyKeepsTheLastEntriesByCountUnderAThousandWrites() {
		WriteMetadata metadata = publish(new HistoryRetention(20, 10_000_000));
		for (int i = 0; i < 1000; i++) {
			this.node.store.write("counted", Settings.of("t" + i, i), null, metadata);
			assertThat(Long.parseLong(redis.server().command("LLEN", KEYS.historyKey("counted"))))
				.isEqualTo(Math.min(i + 1, 20));
		}
		List<HistoryEntry> history = this.node.store.history("counted", 100);
		assertThat(history).hasSize(20);
		for (int i = 0; i < history.size() - 1; i++) {
			// newest first, each entry's previous revision is the next entry's revision
			assertThat(history.get(i).previousRevision()).isEqualTo(history.get(i + 1).revision());
		}
		assertThat(history.get(0).envelope()).isEqualTo(redis.server().command("GET", KEYS.snapshotKey("counted")));
		assertThat(history.get(0).revision().toString())
			.isEqualTo(redis.server().command("GET", KEYS.revisionKey("counted")));
		assertThat(history.get(0).envelope()).contains("\"theme\":\"t999\"");
		assertThat(history.get(19).envelope()).contains("\"theme\":\"t980\"");
		assertThat(storedBytes("counted"))
			.isEqualTo(Long.parseLong(redis.server().command("GET", KEYS.historySizeKey("counted"))));
	}

	@Test
	void historyKeepsTheLastEntriesByBytesUnderAThousandWrites() {
		long cap = 4096;
		WriteMetadata metadata = publish(new HistoryRetention(1000, cap));
		for (int i = 0; i < 1000; i++) {
			// sizes vary from a few bytes to about 1.2 KB, so the count kept varies too
			String theme = "x".repeat((i * 37) % 1200);
			this.node.store.write("sized", Settings.of(theme, i), null, metadata);
			long stored = storedBytes("sized");
			long count = Long.parseLong(redis.server().command("LLEN", KEYS.historyKey("sized")));
			assertThat(stored).isEqualTo(Long.parseLong(redis.server().command("GET", KEYS.historySizeKey("sized"))));
			assertThat(stored <= cap || count == 1).as("write %d keeps %d entries of %d bytes", i, count, stored)
				.isTrue();
			// a smaller entry would still have fit: the oldest is dropped only when
			// needed
			assertThat(count).isGreaterThanOrEqualTo(1);
		}
		List<HistoryEntry> history = this.node.store.history("sized", Integer.MAX_VALUE);
		assertThat(history.get(0).envelope()).contains("\"maxUploadMb\":999");
		assertThat(history).hasSizeGreaterThan(2);
	}

	@Test
	void aSnapshotLargerThanTheByteBoundIsStillKeptAsTheNewestEntry() {
		WriteMetadata metadata = publish(new HistoryRetention(10, 64));
		this.node.store.write("big", Settings.of("x".repeat(200), 1), null, metadata);
		this.node.store.write("big", Settings.of("y".repeat(200), 2), null, metadata);
		assertThat(this.node.store.history("big", 10)).singleElement()
			.satisfies((entry) -> assertThat(entry.envelope()).contains("yyy"));
	}

	@Test
	void entryRecordsTheWriteAndItsMetadata() {
		WriteMetadata first = publish(new HistoryRetention(5, 100_000));
		WriteReceipt receipt1 = this.node.store.write("meta", Settings.of("one", 1), null, first);
		WriteMetadata rollback = new WriteMetadata(HistoryEntry.Operation.ROLLBACK, "alice\twith tabs,\nnew lines é",
				receipt1.revision(), new HistoryRetention(5, 100_000));
		WriteReceipt receipt2 = this.node.store.write("meta", Settings.of("one", 1), null, rollback);
		assertThat(receipt1.previousRevision()).isEqualTo(Revision.ZERO);
		assertThat(receipt2.previousRevision()).isEqualTo(receipt1.revision());
		HistoryEntry entry = this.node.store.entry("meta", receipt2.revision()).orElseThrow();
		assertThat(entry.operation()).isEqualTo(HistoryEntry.Operation.ROLLBACK);
		assertThat(entry.rollbackOf()).isEqualTo(receipt1.revision());
		assertThat(entry.principal()).isEqualTo("alice\twith tabs,\nnew lines é");
		assertThat(entry.nodeId()).isEqualTo("node-a");
		assertThat(entry.previousRevision()).isEqualTo(receipt1.revision());
		byte[] json = this.node.codec.encodeData(Settings.of("one", 1));
		assertThat(entry.size()).isEqualTo(json.length).isEqualTo(receipt2.size());
		assertThat(entry.digest()).isEqualTo(HistoryRecords.digest(json))
			.isEqualTo(receipt2.digest())
			.startsWith("sha256:")
			.hasSize(7 + 16);
		assertThat(entry.time()).isNotNull();
		assertThat(this.node.store.entry("meta", Revision.of(1))).isEmpty();
	}

	@Test
	void topicsWithoutHistoryWriteNoHistoryKeysAndAnswerAnEmptyHistory() {
		this.node.store.publish("plain", Settings.of("a", 1));
		assertThat(redis.server().command("EXISTS", KEYS.historyKey("plain"), KEYS.historySizeKey("plain")))
			.isEqualTo("0");
		assertThat(this.node.store.history("plain", 10)).isEmpty();
	}

	@Test
	void compareAndSetConflictWritesNoHistory() {
		WriteMetadata cas = new WriteMetadata(HistoryEntry.Operation.COMPARE_AND_SET, null, null,
				new HistoryRetention(5, 100_000));
		WriteReceipt written = this.node.store.write("cas", Settings.of("a", 1), Revision.ZERO, cas);
		WriteReceipt conflict = this.node.store.write("cas", Settings.of("b", 2), Revision.ZERO, cas);
		assertThat(written.published()).isTrue();
		assertThat(conflict.published()).isFalse();
		assertThat(conflict.revision()).isEqualTo(written.revision());
		assertThat(this.node.store.history("cas", 10)).singleElement()
			.satisfies((entry) -> assertThat(entry.operation()).isEqualTo(HistoryEntry.Operation.COMPARE_AND_SET));
	}

	@Test
	void historyDeletedBehindTheStoreStartsAgainWithACorrectSize() {
		WriteMetadata metadata = publish(new HistoryRetention(5, 100_000));
		this.node.store.write("deleted", Settings.of("a", 1), null, metadata);
		redis.server().command("DEL", KEYS.historyKey("deleted"));
		this.node.store.write("deleted", Settings.of("b", 2), null, metadata);
		assertThat(storedBytes("deleted"))
			.isEqualTo(Long.parseLong(redis.server().command("GET", KEYS.historySizeKey("deleted"))));
	}

	@Test
	void aWriterWithoutTheHistoryRulesChangesNothingAndIsToldWhichRulesItLacks() {
		String rules = RedisAclIntegrationTests.WRITER_RULES + " +lrange";
		redis.server().command(("ACL SETUSER history-writer on >history-password " + rules).split(" "));
		WriteMetadata metadata = publish(new HistoryRetention(5, 100_000));
		try (TestNode writer = new TestNode("node-acl", redis.server(), "history-writer", "history-password")) {
			writer.store.publish("guarded", Settings.of("before", 1));
			assertThatExceptionOfType(PublishException.class)
				.isThrownBy(() -> writer.store.write("guarded", Settings.of("after", 2), null, metadata))
				.withMessageContaining("NOPERM")
				.withMessageContaining("+llen +lpush +rpop +incrby +decrby +lrange " + KEYS.historyKey("*"));
			assertThat(redis.server().command("GET", KEYS.snapshotKey("guarded"))).contains("before");
			// the keys but not every command: the script's own check refuses before any
			// write
			redis.server()
				.command(("ACL SETUSER history-writer +llen +rpop +incrby +decrby ~" + KEYS.historyKey("*") + " ~"
						+ KEYS.historySizeKey("*"))
					.split(" "));
			assertThatExceptionOfType(PublishException.class)
				.isThrownBy(() -> writer.store.write("guarded", Settings.of("after", 2), null, metadata))
				.withMessageContaining("NOPERM this user may not lpush " + KEYS.historyKey("guarded"))
				.withMessageContaining("nothing was written");
			assertThat(redis.server().command("GET", KEYS.snapshotKey("guarded"))).contains("before");
			assertThat(redis.server().command("EXISTS", KEYS.historySizeKey("guarded"))).isEqualTo("0");
			redis.server().command("ACL", "SETUSER", "history-writer", "+lpush");
			writer.store.write("guarded", Settings.of("after", 2), null, metadata);
			assertThat(writer.store.history("guarded", 5)).singleElement()
				.satisfies((entry) -> assertThat(entry.envelope()).contains("after"));
		}
		finally {
			redis.server().command("ACL", "DELUSER", "history-writer");
		}
	}

	private long storedBytes(String topic) {
		return this.node.store.history(topic, Integer.MAX_VALUE)
			.stream()
			.mapToLong((entry) -> HistoryRecords
				.format(entry.revision(), entry.previousRevision(), entry.time().toEpochMilli(),
						HistoryRecords.writerFields(entry.size(), entry.digest(),
								new WriteMetadata(entry.operation(), entry.principal(), entry.rollbackOf(),
										HistoryRetention.NONE),
								entry.nodeId()),
						entry.envelope())
				.getBytes(StandardCharsets.UTF_8).length)
			.sum();
	}

	private static WriteMetadata publish(HistoryRetention retention) {
		return new WriteMetadata(HistoryEntry.Operation.PUBLISH, null, null, retention);
	}

}
