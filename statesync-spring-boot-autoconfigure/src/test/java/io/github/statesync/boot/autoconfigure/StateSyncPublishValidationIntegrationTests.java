package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.statesync.boot.autoconfigure.StateSyncPublishValidationTests.Recorder;
import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.validate.PublishProposal;
import io.github.statesync.boot.validate.PublishValidationException;
import io.github.statesync.boot.validate.PublishValidator;
import io.github.statesync.boot.validate.PublishVerdict;
import io.github.statesync.boot.validate.ValidatingStatePublisher;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.test.redis.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A publish that a {@link PublishValidator} refuses writes nothing anywhere in a Redis
 * fleet: no snapshot, no revision, no announcement, no apply on any node; validators
 * compare with the state the write would replace, read from Redis when the writer holds
 * none, and with the expected revision's state for a compare-and-set.
 */
class StateSyncPublishValidationIntegrationTests {

	private static final Pattern REVISION = Pattern.compile("\"revision\":\"(\\d+)\"");

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class, ValidationAutoConfiguration.class,
				StateSyncAutoConfiguration.class, StateSyncRedisAutoConfiguration.class));

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	@BeforeEach
	void connect() {
		this.client = RedisClient.create("redis://127.0.0.1:" + redis.server().port());
		this.connection = this.client.connect();
		this.connection.sync().flushall();
	}

	@AfterEach
	void disconnect() {
		this.connection.close();
		this.client.shutdown();
	}

	private ApplicationContextRunner node() {
		return this.runner.withPropertyValues("spring.data.redis.port=" + redis.server().port());
	}

	@Test
	void aRefusedPublishWritesNothingToRedisAnnouncesNothingAndAppliesNothing() {
		RedisCommands<String, String> commands = this.connection.sync();
		List<Revision> announced = new CopyOnWriteArrayList<>();
		try (StatefulRedisPubSubConnection<String, String> events = this.client.connectPubSub()) {
			events.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String channel, String message) {
					announced.add(revision(message));
				}

			});
			events.sync().subscribe(RedisTopicKeys.DEFAULT.channel("settings"));
			node().withUserConfiguration(TestTopics.SettingsConfiguration.class, SettingsValidators.class)
				.run((writer) -> node().withUserConfiguration(TestTopics.SettingsConfiguration.class).run((reader) -> {
					StatePublisher publisher = writer.getBean(StatePublisher.class);
					Revision good = publisher.publish("settings", Map.of("theme", "blue", "maxUploadMb", 100));
					await().atMost(Duration.ofSeconds(10)).until(() -> announced.size() == 1);
					await().atMost(Duration.ofSeconds(10)).until(() -> localRevision(reader).equals(good));
					List<String> keys = commands.keys("*");
					String revisionKey = commands.get(RedisTopicKeys.DEFAULT.revisionKey("settings"));
					String snapshot = commands.get(RedisTopicKeys.DEFAULT.snapshotKey("settings"));

					assertThatExceptionOfType(PublishValidationException.class)
						.isThrownBy(() -> publisher.publish("settings", Map.of("maxUploadMb", 10)))
						.withMessageContaining("validator 'uploadShrink': maxUploadMb shrinks from 100 to 10");

					assertThat(commands.keys("*")).containsExactlyInAnyOrderElementsOf(keys);
					assertThat(commands.get(RedisTopicKeys.DEFAULT.revisionKey("settings"))).isEqualTo(revisionKey);
					assertThat(commands.get(RedisTopicKeys.DEFAULT.snapshotKey("settings"))).isEqualTo(snapshot);
					assertThat(localRevision(writer)).isEqualTo(good);
					assertThat(writer.getBean(Settings.class).getMaxUploadMb()).isEqualTo(100);
					// the next write is the next announcement: nothing was sent in
					// between
					Revision next = publisher.publish("settings", Map.of("maxUploadMb", 60));
					await().atMost(Duration.ofSeconds(10)).until(() -> announced.size() >= 2);
					assertThat(announced).containsExactly(good, next);
					await().atMost(Duration.ofSeconds(10)).until(() -> localRevision(reader).equals(next));
					assertThat(reader.getBean(Settings.class).getMaxUploadMb()).isEqualTo(60);
				}));
		}
	}

	@Test
	void aWriterThatDoesNotFollowTheTopicComparesWithTheSnapshotInRedis() {
		RedisCommands<String, String> commands = this.connection.sync();
		node().withUserConfiguration(PricingValidators.class).run((first) -> {
			first.getBean(StatePublisher.class)
				.publish("pricing", new PriceTable(Map.of("basic", 10, "plus", 20, "pro", 30, "team", 40)));
		});
		String revisionKey = commands.get(RedisTopicKeys.DEFAULT.revisionKey("pricing"));
		// a node started later, that never saw the topic, still compares with Redis
		node().withUserConfiguration(PricingValidators.class).run((second) -> {
			ValidatingStatePublisher publisher = second.getBean(ValidatingStatePublisher.class);
			assertThat(second.getBean(SyncedTopicRegistry.class).handle("pricing")).isNull();
			assertThatExceptionOfType(PublishValidationException.class)
				.isThrownBy(() -> publisher.publish("pricing", new PriceTable(Map.of("basic", 12))))
				.withMessage("publish to topic 'pricing' refused, nothing was written: validator 'priceTableShrink': "
						+ "price table shrinks from 4 to 1 entries, by more than 50%. To publish it deliberately, use "
						+ "ValidatingStatePublisher.skipping(\"<reason>\", \"priceTableShrink\")");
			assertThat(commands.get(RedisTopicKeys.DEFAULT.revisionKey("pricing"))).isEqualTo(revisionKey);
			Revision cut = publisher.skipping("catalogue cut, CHG-77", "priceTableShrink")
				.publish("pricing", new PriceTable(Map.of("basic", 12)));
			assertThat(commands.get(RedisTopicKeys.DEFAULT.revisionKey("pricing"))).isEqualTo(cut.toString());
			PublishProposal seen = second.getBean(Recorder.class).proposals.get(0);
			assertThat(seen.currentRevision()).isEqualTo(Revision.parse(revisionKey));
			assertThat(seen.current()).isInstanceOf(JsonNode.class);
			assertThat(seen.current(PriceTable.class).prices()).hasSize(4);
		});
	}

	@Test
	void compareAndSetValidatesAgainstTheExpectedRevisionsState() {
		RedisCommands<String, String> commands = this.connection.sync();
		node().withUserConfiguration(TestTopics.SettingsConfiguration.class, SettingsValidators.class).run((node) -> {
			StatePublisher publisher = node.getBean(StatePublisher.class);
			Recorder recorder = node.getBean(Recorder.class);
			Revision first = publisher.publish("settings", Map.of("maxUploadMb", 100));
			Revision second = publisher.publish("settings", Map.of("maxUploadMb", 60));

			// 100 -> 40 would be refused; 60 -> 40 is not: the expected revision's state
			// counts
			PublishResult third = publisher.publishIfCurrent("settings", second, Map.of("maxUploadMb", 40));
			assertThat(third.published()).isTrue();
			PublishProposal checked = recorder.proposals.get(recorder.proposals.size() - 1);
			assertThat(checked.currentRevision()).isEqualTo(second);
			assertThat(checked.current(Settings.class).getMaxUploadMb()).isEqualTo(60);

			// a stale expectation is the conflict it always was, checked by nobody
			int checks = recorder.proposals.size();
			PublishResult stale = publisher.publishIfCurrent("settings", first, Map.of("maxUploadMb", 1));
			assertThat(stale.published()).isFalse();
			assertThat(stale.revision()).isEqualTo(third.revision());
			assertThat(recorder.proposals).hasSize(checks);

			assertThatExceptionOfType(PublishValidationException.class)
				.isThrownBy(() -> publisher.publishIfCurrent("settings", third.revision(), Map.of("maxUploadMb", 10)))
				.withMessageContaining("maxUploadMb shrinks from 40 to 10");
			assertThat(commands.get(RedisTopicKeys.DEFAULT.revisionKey("settings")))
				.isEqualTo(third.revision().toString());
			assertThat(node.getBean(Settings.class).getMaxUploadMb()).isEqualTo(40);
		});
		// a writer that does not follow the topic reads the expected revision's state
		// from
		// Redis
		String stored = commands.get(RedisTopicKeys.DEFAULT.revisionKey("settings"));
		node().withUserConfiguration(SettingsValidators.class).run((writer) -> {
			StatePublisher publisher = writer.getBean(StatePublisher.class);
			assertThatExceptionOfType(PublishValidationException.class)
				.isThrownBy(() -> publisher.publishIfCurrent("settings", Revision.parse(stored),
						Map.of("theme", "light", "maxUploadMb", 10)))
				.withMessageContaining("maxUploadMb shrinks from 40 to 10");
			PublishResult next = publisher.publishIfCurrent("settings", Revision.parse(stored),
					Map.of("theme", "light", "maxUploadMb", 30));
			assertThat(next.published()).isTrue();
			PublishProposal checked = writer.getBean(Recorder.class).proposals.get(1);
			assertThat(checked.currentRevision()).isEqualTo(Revision.parse(stored));
			assertThat(checked.current()).isInstanceOf(JsonNode.class);
		});
	}

	private static Revision localRevision(org.springframework.context.ApplicationContext context) {
		return context.getBean(SyncedTopicRegistry.class).handle("settings").localRevision();
	}

	private static Revision revision(String json) {
		Matcher matcher = REVISION.matcher(json);
		assertThat(matcher.find()).as(json).isTrue();
		return Revision.parse(matcher.group(1));
	}

	public record PriceTable(Map<String, Integer> prices) {

	}

	@Configuration(proxyBeanMethods = false)
	static class SettingsValidators {

		@Bean
		@Order(1)
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		@Order(2)
		PublishValidator uploadShrink() {
			return PublishValidator.forTopic("settings", Settings.class,
					(current,
							proposed) -> (current != null && proposed.getMaxUploadMb() * 2 < current.getMaxUploadMb())
									? PublishVerdict.refuse("maxUploadMb shrinks from " + current.getMaxUploadMb()
											+ " to " + proposed.getMaxUploadMb() + ", by more than 50%")
									: PublishVerdict.ok());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PricingValidators {

		@Bean
		@Order(1)
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		@Order(2)
		PublishValidator priceTableShrink() {
			return PublishValidator.forTopic("pricing", PriceTable.class,
					(current,
							proposed) -> (current != null && proposed.prices().size() * 2 < current.prices().size())
									? PublishVerdict.refuse("price table shrinks from " + current.prices().size()
											+ " to " + proposed.prices().size() + " entries, by more than 50%")
									: PublishVerdict.ok());
		}

	}

}
