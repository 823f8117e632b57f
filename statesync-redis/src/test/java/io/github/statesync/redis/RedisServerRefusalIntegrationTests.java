package io.github.statesync.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.test.redis.RedisServer;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
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

}
