package io.github.statesync.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.statesync.core.engine.RetryPolicy;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncOptions;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.spi.SnapshotMissingException;
import io.github.statesync.test.redis.RedisServer;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a node says when Redis refuses it: missing ACL rights, wrong credentials, a full
 * Redis, an evicting one. Every error names the server's own answer and what to fix.
 */
class RedisServerRefusalIntegrationTests {

	private static final String TOPIC = "settings";

	private static final Duration BOUND = Duration.ofSeconds(20);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final List<TestNode> nodes = new ArrayList<>();

	@AfterEach
	void closeNodesAndResetServer() {
		this.nodes.forEach(TestNode::close);
		if (!server().isRunning()) {
			server().restart();
		}
		server().command("ACL", "DELUSER", "reader", "writer");
		server().command("CONFIG", "SET", "maxmemory", "0");
		server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
	}

	private static RedisServer server() {
		return redis.server();
	}

	private TestNode node(String id) {
		return keep(new TestNode(id, server()));
	}

	private TestNode node(String id, String username, String password) {
		return keep(new TestNode(id, server(), username, password));
	}

	private TestNode keep(TestNode node) {
		this.nodes.add(node);
		return node;
	}

	@Test
	void refusedSubscriptionIsTheTopicsErrorNamingTheAclFixAndRecoversWhenTheChannelIsGranted() {
		// a new ACL user gets no channel rights (acl-pubsub-default resetchannels): here
		// only the channel of topic flags
		server().command("ACL", "SETUSER", "reader", "on", ">reader-secret", "~*", "+@all", "resetchannels",
				"&statesync:{flags}:events");
		TestNode writer = node("writer");
		TestNode reader = node("reader", "reader", "reader-secret");
		Follower settings = reader.newFollower(TOPIC, (builder) -> {
		});
		Follower flags = reader.newFollower("flags", (builder) -> {
		});
		settings.start().join();
		flags.start().join();
		await("subscription refused").atMost(BOUND).until(() -> !settings.errors(SyncPhase.SUBSCRIBE).isEmpty());
		SyncError error = settings.errors(SyncPhase.SUBSCRIBE).get(0);
		assertThat(error.cause().getMessage()).contains("NOPERM")
			.contains("'statesync:{settings}:events'")
			.contains("ACL SETUSER reader &statesync:*");
		assertThat(reader.subscriber.subscriptionFailure(TOPIC)).contains("NOPERM");
		assertThat(reader.subscriber.hasRefusedSubscriptions()).isTrue();
		Revision flagsRevision = writer.store.publish("flags", Settings.of("flags", 1));
		await("the granted topic is not held up").atMost(BOUND)
			.until(() -> flags.localRevision().equals(flagsRevision));
		assertThat(flags.errors(SyncPhase.SUBSCRIBE)).isEmpty();
		assertThat(reader.subscriber.subscriptionFailure("flags")).isNull();
		assertThat(settings.errors(SyncPhase.SUBSCRIBE)).as("reported once, not once per retry").hasSize(1);

		server().command("ACL", "SETUSER", "reader", "&statesync:*");
		await("subscription made once granted").atMost(BOUND)
			.until(() -> reader.subscriber.subscriptionFailure(TOPIC) == null);
		assertThat(reader.subscriber.isConnected()).isTrue();
		Revision revision = writer.store.publish(TOPIC, Settings.of("granted", 1));
		await("write received").atMost(BOUND).until(() -> settings.localRevision().equals(revision));
	}

	@Test
	void publishWithAWrongPasswordIsRefusedNamingWrongpass() {
		server().command("ACL", "SETUSER", "writer", "on", ">right", "~*", "&*", "+@all");
		TestNode writer = node("writer", "writer", "wrong");
		assertThatExceptionOfType(PublishException.class)
			.isThrownBy(() -> writer.store.publish(TOPIC, Settings.of("dark", 1)))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(PublishException.Reason.REFUSED))
			.withMessageContaining("topic 'settings'")
			.withMessageContaining("WRONGPASS")
			.withMessageContaining("username and password");
	}

	@Test
	void publishWithoutScriptingRightsIsRefusedNamingNopermAndTheGrantThatFixesIt() {
		server().command("ACL", "SETUSER", "writer", "on", ">secret", "~*", "&*", "+@all", "-@scripting");
		TestNode writer = node("writer", "writer", "secret");
		PublishException refused = catchThrowableOfType(PublishException.class,
				() -> writer.store.publish(TOPIC, Settings.of("dark", 1)));
		assertThat(refused.getReason()).isEqualTo(PublishException.Reason.REFUSED);
		assertThat(refused).hasMessageContaining("NOPERM").hasMessageContaining("ACL SETUSER writer");
		// the grant the message proposes is enough
		server().command("ACL", "SETUSER", "writer", "reset", "on", ">secret", "+get", "+mget", "+set", "+incr",
				"+time", "+publish", "+eval", "+evalsha", "+subscribe", "+unsubscribe", "+ping",
				"~statesync:{*}:revision", "~statesync:{*}:snapshot", "&statesync:{*}:events");
		TestNode granted = node("granted", "writer", "secret");
		assertThat(granted.store.publish(TOPIC, Settings.of("dark", 2))).isNotNull();
	}

	@Test
	void publishIntoAFullRedisIsRefusedNamingOom() {
		server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
		server().command("CONFIG", "SET", "maxmemory", "1");
		TestNode writer = node("writer");
		assertThatExceptionOfType(PublishException.class)
			.isThrownBy(() -> writer.store.publish(TOPIC, Settings.of("dark", 1)))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(PublishException.Reason.REFUSED))
			.withMessageContaining("OOM")
			.withMessageContaining("maxmemory");
	}

	@Test
	void publishToAStoppedRedisIsUnavailableNamingTheConnectionFailure() {
		TestNode writer = node("writer");
		server().stop();
		assertThatExceptionOfType(PublishException.class)
			.isThrownBy(() -> writer.store.publish(TOPIC, Settings.of("dark", 1)))
			.satisfies((ex) -> assertThat(ex.getReason()).isIn(PublishException.Reason.UNAVAILABLE,
					PublishException.Reason.TIMEOUT))
			.withMessageContaining("topic 'settings'");
	}

	@Test
	void publishOverThePayloadLimitIsTooLargeNamingSizeLimitAndProperty() {
		TestNode writer = node("writer");
		RedisSnapshotStore store = new RedisSnapshotStore(writer.connectionFactory, writer.codec,
				RedisTopicKeys.DEFAULT, "writer", Clock.systemUTC(), Duration.ofSeconds(2), (topic) -> 64);
		assertThatExceptionOfType(PublishException.class)
			.isThrownBy(() -> store.publish(TOPIC, Settings.of("x".repeat(100), 1)))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(PublishException.Reason.TOO_LARGE))
			.withMessageContaining("topic 'settings'")
			.withMessageContaining("limit of 64 bytes")
			.withMessageContaining("statesync.topics.settings.max-payload-size");
	}

	@Test
	void refusedReadNamesTheServersAnswer() {
		server().command("ACL", "SETUSER", "reader", "on", ">reader-secret", "~*", "&*", "+@all", "-get");
		TestNode reader = node("reader", "reader", "reader-secret");
		Follower follower = reader.newFollower(TOPIC, (builder) -> builder
			.options(SyncOptions.DEFAULTS.withRetry(RetryPolicy.NONE).withFailStartOnError(false)));
		follower.start().join();
		await().atMost(BOUND).until(() -> !follower.errors(SyncPhase.FETCH).isEmpty());
		assertThat(follower.errors(SyncPhase.FETCH).get(0).cause()).hasMessageContaining("NOPERM")
			.hasMessageContaining("GET statesync:{settings}:snapshot");
	}

	@Test
	void snapshotThatVanishedUnderANodeIsReportedAndTheNodeKeepsItsRevisionAndData() {
		TestNode writer = node("writer");
		Follower reader = node("reader").follower(TOPIC);
		Revision revision = writer.store.publish(TOPIC, Settings.of("kept", 7));
		await().atMost(BOUND).until(() -> reader.localRevision().equals(revision));
		server().command("FLUSHALL");
		reader.handle().refresh().exceptionally((ex) -> null).join();
		await("loss reported").atMost(BOUND).until(() -> !reader.errors(SyncPhase.REGRESSION).isEmpty());
		SyncError error = reader.errors(SyncPhase.REGRESSION).get(0);
		assertThat(error.cause()).isInstanceOf(SnapshotMissingException.class)
			.hasMessageContaining("lost the snapshot of topic 'settings'")
			.hasMessageContaining("keeps revision " + revision);
		assertThat(error.willRetry()).isFalse();
		assertThat(reader.localRevision()).isEqualTo(revision);
		assertThat(reader.value.get()).isEqualTo(Settings.of("kept", 7));
	}

	@Test
	void warnsWhenTheEvictionPolicyCanEvictStatesyncsKeys() {
		TestNode node = node("node");
		server().command("CONFIG", "SET", "maxmemory", "100mb");
		server().command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
		assertThat(node.store.checkEvictionPolicy().join())
			.hasValueSatisfying((warning) -> assertThat(warning).contains("allkeys-lru")
				.contains("noeviction")
				.contains("a Redis (or database) of its own"));
		// volatile-* evicts only keys with a time to live, and statesync's have none
		server().command("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
		assertThat(node.store.checkEvictionPolicy().join()).isEmpty();
		server().command("CONFIG", "SET", "maxmemory-policy", "noeviction");
		assertThat(node.store.checkEvictionPolicy().join()).isEmpty();
	}

	@Test
	void evictionCheckThatRedisRefusesIsSkippedQuietly() {
		server().command("CONFIG", "SET", "maxmemory", "100mb");
		server().command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
		server().command("ACL", "SETUSER", "reader", "on", ">reader-secret", "~*", "&*", "+@all", "-config");
		TestNode reader = node("reader", "reader", "reader-secret");
		assertThat(reader.store.checkEvictionPolicy().join()).isEmpty();
	}

}
