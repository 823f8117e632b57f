package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The Redis ACL rules that {@code docs/security.md} gives for a reader and a writer are
 * enough (nothing is denied, from the first subscription to the shutdown, including the
 * first publish on an empty Redis with an empty script cache and both ways the script
 * sets a revision) and each of their rules is needed. Keep the two constants and the
 * documentation in step.
 */
class RedisAclIntegrationTests {

	/** The reader's rules, as docs/security.md gives them. */
	static final String READER_RULES = "resetkeys resetchannels -@all +get +mget +subscribe +unsubscribe +ping "
			+ "%R~statesync:{*}:snapshot %R~statesync:{*}:revision &statesync:{*}:events";

	/** The writer's rules, as docs/security.md gives them. */
	static final String WRITER_RULES = "resetkeys resetchannels -@all +get +mget +subscribe +unsubscribe +ping "
			+ "+evalsha +eval +set +incr +time +publish "
			+ "~statesync:{*}:revision ~statesync:{*}:snapshot &statesync:{*}:events";

	private static final String TOPIC = "settings";

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void emptyScriptCacheAndAclLog() {
		// the first publish then takes the EVALSHA, NOSCRIPT, EVAL path, as on a fresh
		// Redis
		redis.server().command("SCRIPT", "FLUSH");
		redis.server().command("ACL", "LOG", "RESET");
	}

	@AfterEach
	void closeAndDropUsers() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		redis.server().command("ACL", "DELUSER", "statesync-reader", "statesync-writer");
	}

	@Test
	void readerAndWriterWithTheDocumentedRulesSyncATopicAndNothingIsDenied() throws Exception {
		createUser("statesync-reader", READER_RULES);
		createUser("statesync-writer", WRITER_RULES);
		Node reader = node("statesync-reader");
		Node writer = node("statesync-writer");
		Events readerEvents = reader.follow(TOPIC);
		Events writerEvents = writer.follow(TOPIC);

		// the first publish sets the counter to the server clock; with the counter ahead
		// of the clock, the second increments it
		Revision first = writer.store.publish(TOPIC, Map.of("theme", "dark"));
		counterAheadOfTheClock();
		Revision second = writer.store.publish(TOPIC, Map.of("theme", "blue"));

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(readerEvents.revisions).containsExactly(first, second);
			assertThat(writerEvents.revisions).containsExactly(first, second);
		});
		SnapshotEnvelope<Map<String, String>> snapshot = reader.store.<Map<String, String>>provider(Map.class)
			.fetch(TOPIC, Revision.ZERO)
			.join();
		assertThat(snapshot.revision()).isEqualTo(second);
		assertThat(snapshot.data()).isEqualTo(Map.of("theme", "blue"));
		// reconciliation reads every followed topic's revision
		assertThat(reader.store.revisions(List.of(TOPIC)).join()).containsEntry(TOPIC, second);
		assertThat(writer.store.revisions(List.of(TOPIC)).join()).containsEntry(TOPIC, second);
		// stopping unsubscribes and pings on the pub/sub connection: allowed too
		reader.close();
		writer.close();
		assertThat(deniedObjects()).isEmpty();
	}

	@Test
	void readerMayNotPublish() {
		createUser("statesync-reader", READER_RULES);
		Node reader = node("statesync-reader");

		assertThatExceptionOfType(PublishException.class)
			.isThrownBy(() -> reader.store.publish(TOPIC, Map.of("theme", "dark")));
		assertThat(deniedObjects()).containsExactly("evalsha");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "+evalsha|evalsha", "+eval|eval", "+get|get", "+set|set", "+incr|incr", "+time|time",
					"+publish|publish", "~statesync:{*}:revision|statesync:{settings}:revision",
					"~statesync:{*}:snapshot|statesync:{settings}:snapshot",
					"&statesync:{*}:events|statesync:{settings}:events" })
	void writerNeedsEachOfItsPublishRules(String rule, String denied) {
		createUser("statesync-writer", (WRITER_RULES + " ").replace(" " + rule + " ", " ").trim());
		Node writer = node("statesync-writer");
		if ("+incr".equals(rule)) {
			counterAheadOfTheClock();
		}

		PublishException refused = catchThrowableOfType(PublishException.class,
				() -> writer.store.publish(TOPIC, Map.of("theme", "dark")));
		assertThat(refused.getReason()).isEqualTo(PublishException.Reason.REFUSED);
		// a read Redis denies itself (ACL LOG); a write the script refuses before writing
		// anything, naming what is missing
		if (deniedObjects().isEmpty()) {
			assertThat(refused).hasMessageContaining("NOPERM this user may not").hasMessageContaining(denied);
		}
		else {
			assertThat(deniedObjects()).containsExactly(denied);
		}
		assertThat(redis.server().command("EXISTS", RedisTopicKeys.DEFAULT.snapshotKey(TOPIC)))
			.as("nothing was written")
			.isEqualTo("0");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "+subscribe|subscribe", "&statesync:{*}:events|statesync:{settings}:events" })
	void readerNeedsItsSubscribeRules(String rule, String denied) {
		createUser("statesync-reader", READER_RULES.replace(" " + rule, ""));
		Node reader = node("statesync-reader");

		reader.subscriber.subscribe(TOPIC, new Events());

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deniedObjects()).contains(denied));
	}

	@ParameterizedTest
	@ValueSource(strings = { "+unsubscribe", "+ping" })
	void readerNeedsUnsubscribeAndPingToStopWithoutADenial(String rule) {
		createUser("statesync-reader", READER_RULES.replace(" " + rule + " ", " "));
		Node reader = node("statesync-reader");
		reader.follow(TOPIC);

		reader.close();

		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(deniedObjects()).contains(rule.substring(1)));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "+get|get", "%R~statesync:{*}:snapshot|statesync:{settings}:snapshot" })
	void readerNeedsToReadTheSnapshotKey(String rule, String denied) {
		createUser("statesync-reader", (READER_RULES + " ").replace(" " + rule + " ", " ").trim());
		Node reader = node("statesync-reader");

		assertThat(reader.store.provider(Map.class).fetch(TOPIC, Revision.ZERO)).failsWithin(Duration.ofSeconds(10));
		assertThat(deniedObjects()).containsExactly(denied);
	}

	@Test
	void evictionPolicyCheckIsSkippedWithoutConfigGet() {
		createUser("statesync-writer", WRITER_RULES);
		Node writer = node("statesync-writer");

		assertThat(writer.store.checkEvictionPolicy().join()).isEmpty();
		assertThat(deniedObjects()).containsExactly("config|get");
	}

	/**
	 * Set the topic's counter ahead of the server clock (as after a burst of publishes in
	 * one microsecond), so the next publish increments it.
	 */
	private static void counterAheadOfTheClock() {
		redis.server().command("SET", RedisTopicKeys.DEFAULT.revisionKey(TOPIC), "9000000000000000000");
	}

	private static void createUser(String name, String rules) {
		List<String> command = new ArrayList<>(List.of("ACL", "SETUSER", name, "on", ">" + name + "-password"));
		command.addAll(List.of(rules.split(" ")));
		redis.server().command(command.toArray(String[]::new));
	}

	/**
	 * Return what Redis denied since the test started: a command, key or channel per
	 * entry of {@code ACL LOG}, newest first.
	 */
	private static List<String> deniedObjects() {
		List<String> lines = List.of(String.valueOf(redis.server().command("ACL", "LOG")).split("\n"));
		List<String> objects = new ArrayList<>();
		for (int i = 0; i < lines.size() - 1; i++) {
			if ("object".equals(lines.get(i))) {
				objects.add(lines.get(i + 1));
			}
		}
		return objects;
	}

	private Node node(String user) {
		Node node = new Node(user);
		this.closeables.add(node);
		return node;
	}

	/**
	 * One node authenticated as an ACL user: its own connections, subscriber and store.
	 */
	private static final class Node implements AutoCloseable {

		private final JacksonSyncCodec codec = new JacksonSyncCodec();

		private final LettuceConnectionFactory connectionFactory;

		private final RedisInvalidationSubscriber subscriber;

		private final RedisSnapshotStore store;

		private boolean closed;

		Node(String user) {
			RedisStandaloneConfiguration configuration = new RedisStandaloneConfiguration(redis.server().host(),
					redis.server().port());
			configuration.setUsername(user);
			configuration.setPassword(RedisPassword.of(user + "-password"));
			this.connectionFactory = new LettuceConnectionFactory(configuration,
					LettuceClientConfiguration.builder().commandTimeout(Duration.ofSeconds(2)).build());
			this.connectionFactory.afterPropertiesSet();
			this.connectionFactory.start();
			this.subscriber = RedisInvalidationSubscriber.create(this.connectionFactory, this.codec,
					RedisTopicKeys.DEFAULT);
			this.store = new RedisSnapshotStore(this.connectionFactory, this.codec, RedisTopicKeys.DEFAULT, user,
					Clock.systemUTC(), Duration.ofSeconds(2));
		}

		/**
		 * Subscribe to a topic and wait until Redis confirmed the subscription.
		 */
		Events follow(String topic) {
			Events events = new Events();
			this.subscriber.subscribe(topic, events);
			await().atMost(Duration.ofSeconds(10)).until(() -> events.resyncs.get() > 0);
			return events;
		}

		@Override
		public void close() {
			if (!this.closed) {
				this.closed = true;
				this.subscriber.close();
				this.connectionFactory.destroy();
			}
		}

	}

	/**
	 * Records the invalidations of one topic.
	 */
	private static final class Events implements InvalidationListener {

		private final List<Revision> revisions = new CopyOnWriteArrayList<>();

		private final AtomicInteger resyncs = new AtomicInteger();

		@Override
		public void onInvalidation(InvalidationEvent event) {
			this.revisions.add(event.revision());
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
