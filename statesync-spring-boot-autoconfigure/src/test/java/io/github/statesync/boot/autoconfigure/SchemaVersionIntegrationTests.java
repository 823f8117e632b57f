package io.github.statesync.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.statesync.boot.SnapshotMigration;
import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.autoconfigure.rest.StateSyncRestAutoConfiguration;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.validate.PublishProposal;
import io.github.statesync.boot.validate.PublishValidator;
import io.github.statesync.boot.validate.PublishVerdict;
import io.github.statesync.core.archive.FileSnapshotArchive;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.engine.TopicStatus;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Schema versions in a rolling deployment: nodes of versions 1, 2 and 2 of the
 * {@code pricing} topic on one Redis, and the same rules for last-known-good files.
 * Version 1 is {@code {"price":12.5}} (euros); version 2 is
 * {@code {"priceCents":1250,"currency":"EUR"}}, which a version 1 reader would bind
 * silently wrongly (unknown properties are ignored, so its price would stay as it was).
 */
class SchemaVersionIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@TempDir
	Path directory;

	private final JsonMapper json = JsonMapper.builder().build();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class,
				StateSyncRedisAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withUserConfiguration(RecordingListenerConfiguration.class);

	private ApplicationContextRunner node(String id, Class<?> pricing) {
		return this.runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withUserConfiguration(pricing)
			.withPropertyValues("spring.data.redis.port=" + redis.server().port(), "statesync.node-id=" + id,
					"statesync.topics.pricing.stale-after=500ms");
	}

	@Test
	void aPublishValidatorOfANodeHoldingNothingSeesNewerStoredDataAsJsonNotBoundIntoItsType() {
		node("new", PricingV2Configuration.class).run((newer) -> {
			Revision stored = newer.getBean(StatePublisher.class).publish("pricing", new PricingV2(1999, "EUR"));
			node("old", PricingV1Configuration.class).withUserConfiguration(RecordingValidatorConfiguration.class)
				.run((old) -> {
					assertThat(old).hasNotFailed();
					assertThat(old.getBean(SyncedTopicRegistry.class).handle("pricing").localRevision())
						.isEqualTo(Revision.ZERO);

					old.getBean(StatePublisher.class).publish("pricing", new PricingV1(7));

					List<PublishProposal> seen = old.getBean(RecordingValidatorConfiguration.class).proposals;
					assertThat(seen).singleElement().satisfies((proposal) -> {
						assertThat(proposal.currentRevision()).isEqualTo(stored);
						assertThat(proposal.current()).isInstanceOf(JsonNode.class);
						assertThat(proposal.current().toString()).contains("\"priceCents\":1999");
					});
				});
		});
	}

	@Test
	void writesOfEachVersionConvergeAsDocumentedDuringARollingDeployment() {
		node("old", PricingV1Configuration.class).run((old) -> node("new-1", PricingV2Configuration.class)
			.run((newOne) -> node("new-2", PricingV2Configuration.class).run((newTwo) -> {
				assertThat(old).hasNotFailed();
				assertThat(newOne).hasNotFailed();
				assertThat(newTwo).hasNotFailed();
				PricingV1 oldPricing = old.getBean(PricingV1.class);
				PricingV2 newPricing = newOne.getBean(PricingV2.class);
				PricingV2 otherNewPricing = newTwo.getBean(PricingV2.class);

				// an old writer's data is stored unversioned and migrated by new readers
				Revision first = old.getBean(StatePublisher.class).publish("pricing", new PricingV1(12.5));
				assertThat(storedEnvelope(old)).isEqualTo("{\"revision\":\"" + first + "\",\"data\":{\"price\":12.5}}");
				awaitApplied(newOne, first);
				awaitApplied(newTwo, first);
				assertThat(oldPricing.getPrice()).isEqualTo(12.5);
				assertThat(newPricing.getPriceCents()).isEqualTo(1250);
				assertThat(newPricing.getCurrency()).isEqualTo("EUR");
				assertThat(otherNewPricing.getPriceCents()).isEqualTo(1250);

				// a new writer's data reaches new readers and is refused by the old one,
				// which keeps its state and shows it
				Revision second = newOne.getBean(StatePublisher.class).publish("pricing", new PricingV2(1999, "EUR"));
				assertThat(storedEnvelope(newOne))
					.startsWith("{\"revision\":\"" + second + "\",\"schemaVersion\":2,\"data\":{")
					.contains("\"priceCents\":1999");
				awaitApplied(newTwo, second);
				assertThat(otherNewPricing.getPriceCents()).isEqualTo(1999);
				RecordingListener oldErrors = old.getBean(RecordingListener.class);
				await().atMost(WAIT).until(() -> !oldErrors.errors.isEmpty());
				assertThat(oldErrors.errors).first().satisfies((error) -> {
					assertThat(error.phase()).isEqualTo(SyncPhase.APPLY);
					assertThat(error.topic()).isEqualTo("pricing");
					assertThat(error.snapshotRevision()).isEqualTo(second);
					assertThat(error.cause()).hasMessageContaining("topic 'pricing'")
						.hasMessageContaining("schema version 2, newer than version 1 this node reads")
						.hasMessageContaining("keeps revision " + first)
						.hasMessageContaining("statesync.topics.pricing.schema-version")
						.hasMessageContaining("update every reader before any writer");
				});
				SyncedTopicRegistry oldRegistry = old.getBean(SyncedTopicRegistry.class);
				assertThat(oldRegistry.handle("pricing").localRevision()).isEqualTo(first);
				assertThat(oldPricing.getPrice()).isEqualTo(12.5);
				await().atMost(WAIT).until(() -> oldRegistry.handle("pricing").status().status() == TopicStatus.STALE);
				assertThat(newOne.getBean(RecordingListener.class).errors).isEmpty();
				assertThat(newTwo.getBean(RecordingListener.class).errors).isEmpty();

				// the old writer writes again: every node applies it, the old node
				// recovers
				Revision third = old.getBean(StatePublisher.class).publish("pricing", new PricingV1(5));
				awaitApplied(newOne, third);
				awaitApplied(newTwo, third);
				assertThat(oldRegistry.handle("pricing").localRevision()).isEqualTo(third);
				assertThat(oldPricing.getPrice()).isEqualTo(5.0);
				assertThat(newPricing.getPriceCents()).isEqualTo(500);
				assertThat(otherNewPricing.getPriceCents()).isEqualTo(500);
				await().atMost(WAIT)
					.until(() -> oldRegistry.handle("pricing").status().status() == TopicStatus.CURRENT);
			})));
	}

	@Test
	void versionOneArchiveIsMigratedWhenAVersionTwoNodeStartsOnIt() throws Exception {
		try (FileSnapshotArchive<JsonNode> archive = new FileSnapshotArchive<>(this.directory, new JacksonSyncCodec(),
				JsonNode.class)) {
			archive.save("pricing", new SnapshotEnvelope<>(Revision.of(7), this.json.readTree("{\"price\":3.25}")))
				.get();
		}
		// the in-JVM transport: its store is empty, so the node starts on the file
		this.runner.withUserConfiguration(PricingV2Configuration.class)
			.withPropertyValues("statesync.topics.pricing.last-known-good=true",
					"statesync.topics.pricing.required=true", "statesync.last-known-good-directory=" + this.directory)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PricingV2 pricing = context.getBean(PricingV2.class);
				assertThat(pricing.getPriceCents()).isEqualTo(325);
				assertThat(pricing.getCurrency()).isEqualTo("EUR");
				assertThat(context.getBean(SyncedTopicRegistry.class).handle("pricing").localRevision())
					.isEqualTo(Revision.of(7));
				assertThat(context.getBean(RecordingListener.class).errors).isEmpty();
				// what this node applies next is archived with its version
				Revision written = context.getBean(StatePublisher.class).publish("pricing", new PricingV2(410, "EUR"));
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(Files.readString(this.directory.resolve("pricing.snapshot")))
						.contains("{\"revision\":\"" + written + "\",\"schemaVersion\":2,\"data\":"));
			});
	}

	@Test
	void versionTwoArchiveIsRefusedByAVersionOneNodeWhichKeepsItsDefaults() throws Exception {
		try (FileSnapshotArchive<JsonNode> archive = new FileSnapshotArchive<>(this.directory, new JacksonSyncCodec(),
				JsonNode.class)) {
			archive
				.save("pricing",
						new SnapshotEnvelope<>(Revision.of(9), this.json.readTree("{\"priceCents\":100}"), -1, 2))
				.get();
		}
		this.runner.withUserConfiguration(PricingV1Configuration.class)
			.withPropertyValues("statesync.topics.pricing.last-known-good=true",
					"statesync.last-known-good-directory=" + this.directory)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(PricingV1.class).getPrice()).isEqualTo(1.0);
				assertThat(context.getBean(SyncedTopicRegistry.class).handle("pricing").hasSnapshot()).isFalse();
				assertThat(context.getBean(RecordingListener.class).errors).singleElement().satisfies((error) -> {
					assertThat(error.phase()).isEqualTo(SyncPhase.ARCHIVE);
					assertThat(error.cause()).hasStackTraceContaining("schema version 2, newer than version 1");
				});
			});
	}

	@Test
	void missingMigrationStepFailsStartUpNamingTopicAndVersions() {
		this.runner.withUserConfiguration(PricingV2Configuration.class)
			.withPropertyValues("statesync.topics.pricing.schema-version=3")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Topic 'pricing' declares schema version 3")
					.contains("from version 2 to 3");
				assertThat(analysis.getAction()).contains("SnapshotMigration bean for topic 'pricing'")
					.contains("from schema version 2 to 3")
					.contains("statesync.topics.pricing.schema-version");
			});
	}

	@Test
	void propertyOverridesTheAnnotationsSchemaVersion() {
		this.runner.withUserConfiguration(PricingV2Configuration.class, SecondStepConfiguration.class)
			.withPropertyValues("statesync.topics.pricing.schema-version=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SyncedTopicRegistry.class).settings("pricing").schemaVersion()).isEqualTo(3);
			});
		this.runner.withUserConfiguration(PricingV2Configuration.class)
			.run((context) -> assertThat(context.getBean(SyncedTopicRegistry.class).settings("pricing").schemaVersion())
				.isEqualTo(2));
	}

	@Test
	void schemaVersionInDefaultsFailsStartUpWithThePropertyToFix() {
		this.runner.withUserConfiguration(PricingV1Configuration.class)
			.withPropertyValues("statesync.defaults.schema-version=2")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(new StateSyncFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
					.contains("Property: statesync.defaults.schema-version");
			});
	}

	@Test
	void restEndpointServesTheOwnersVersionAndAnOlderFetcherRefusesIt() {
		try (ConfigurableApplicationContext owner = new SpringApplicationBuilder(PricingOwnerApplication.class)
			.web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.data.redis.port=" + redis.server().port(),
					"statesync.rest.enabled=true", "statesync.rest.topics=pricing")
			.run()) {
			int port = ((WebServerApplicationContext) owner).getWebServer().getPort();
			Revision revision = owner.getBean(StatePublisher.class).publish("pricing", new PricingV2(700, "EUR"));
			String served = RestClient.create("http://localhost:" + port)
				.get()
				.uri("/statesync/topics/pricing")
				.retrieve()
				.body(String.class);
			assertThat(served).startsWith("{\"revision\":\"" + revision + "\",\"schemaVersion\":2,\"data\":{")
				.contains("\"priceCents\":700");
			this.runner
				.withConfiguration(
						AutoConfigurations.of(DataRedisAutoConfiguration.class, StateSyncRestAutoConfiguration.class))
				.withUserConfiguration(PricingV1Configuration.class)
				.withPropertyValues("spring.data.redis.port=" + redis.server().port(),
						"statesync.topics.pricing.url=http://localhost:" + port)
				.run((fetcher) -> {
					assertThat(fetcher).hasNotFailed();
					RecordingListener errors = fetcher.getBean(RecordingListener.class);
					await().atMost(WAIT).until(() -> !errors.errors.isEmpty());
					assertThat(errors.errors).first().satisfies((error) -> {
						assertThat(error.phase()).isEqualTo(SyncPhase.APPLY);
						assertThat(error.cause()).hasMessageContaining("schema version 2, newer than version 1");
					});
					assertThat(fetcher.getBean(PricingV1.class).getPrice()).isEqualTo(1.0);
					assertThat(fetcher.getBean(SyncedTopicRegistry.class).handle("pricing").hasSnapshot()).isFalse();
				});
		}
	}

	private static void awaitApplied(ApplicationContext context, Revision revision) {
		SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
		await().atMost(WAIT).until(() -> registry.handle("pricing").localRevision().compareTo(revision) >= 0);
	}

	private static String storedEnvelope(ApplicationContext context) {
		return context.getBean(StringRedisTemplate.class).opsForValue().get("statesync:{pricing}:snapshot");
	}

	/** Version 1: a price in euros. */
	public static class PricingV1 {

		private double price = 1.0;

		public PricingV1() {
		}

		PricingV1(double price) {
			this.price = price;
		}

		public double getPrice() {
			return this.price;
		}

		public void setPrice(double price) {
			this.price = price;
		}

	}

	/** Version 2: a price in cents and its currency. */
	public static class PricingV2 {

		private long priceCents = 100;

		private String currency = "EUR";

		public PricingV2() {
		}

		PricingV2(long priceCents, String currency) {
			this.priceCents = priceCents;
			this.currency = currency;
		}

		public long getPriceCents() {
			return this.priceCents;
		}

		public void setPriceCents(long priceCents) {
			this.priceCents = priceCents;
		}

		public String getCurrency() {
			return this.currency;
		}

		public void setCurrency(String currency) {
			this.currency = currency;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PricingV1Configuration {

		@Bean
		@SyncedTopic("pricing")
		PricingV1 pricing() {
			return new PricingV1();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PricingV2Configuration {

		@Bean
		@SyncedTopic(topic = "pricing", schemaVersion = 2)
		PricingV2 pricing() {
			return new PricingV2();
		}

		@Bean
		SnapshotMigration pricingEurosToCents() {
			return SnapshotMigration.of("pricing", 1, (data) -> {
				ObjectNode migrated = ((ObjectNode) data).objectNode();
				migrated.put("priceCents", Math.round(data.path("price").asDouble() * 100));
				migrated.put("currency", "EUR");
				return migrated;
			});
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(PricingV2Configuration.class)
	static class PricingOwnerApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondStepConfiguration {

		@Bean
		SnapshotMigration anyTopicTwoToThree() {
			return SnapshotMigration.of("*", 2, (data) -> data);
		}

	}

	static final class RecordingListener implements SyncListener {

		final List<SyncError> errors = new CopyOnWriteArrayList<>();

		@Override
		public void onError(SyncError error) {
			if (error.phase() == SyncPhase.APPLY || error.phase() == SyncPhase.ARCHIVE) {
				this.errors.add(error);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingValidatorConfiguration {

		final List<PublishProposal> proposals = new CopyOnWriteArrayList<>();

		@Bean
		PublishValidator recording() {
			return (proposal) -> {
				this.proposals.add(proposal);
				return PublishVerdict.ok();
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingListenerConfiguration {

		@Bean
		RecordingListener recordingListener() {
			return new RecordingListener();
		}

	}

}
