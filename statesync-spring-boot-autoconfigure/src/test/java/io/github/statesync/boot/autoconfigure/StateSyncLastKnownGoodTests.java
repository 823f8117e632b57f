package io.github.statesync.boot.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.core.archive.FileSnapshotArchive;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncPhase;
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

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Last-known-good snapshots on disk, on the in-JVM transport (whose store a restart
 * empties) and on Redis (stopped while a node starts).
 */
class StateSyncLastKnownGoodTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@TempDir
	Path directory;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(StateSyncAutoConfiguration.class, StateSyncRedisAutoConfiguration.class,
						JacksonAutoConfiguration.class, ValidationAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class, RecordingListenerConfiguration.class);

	private ApplicationContextRunner lastKnownGood() {
		return this.runner.withPropertyValues("statesync.topics.settings.last-known-good=true",
				"statesync.last-known-good-directory=" + this.directory);
	}

	@Test
	void directoryIsLeftAloneUnlessATopicKeepsItsLastKnownGoodSnapshot() {
		Path unused = this.directory.resolve("unused");
		this.runner.withPropertyValues("statesync.last-known-good-directory=" + unused).run((context) -> {
			context.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			assertThat(context).hasNotFailed();
		});
		assertThat(unused).doesNotExist();
	}

	@Test
	void restartedNodeStartsOnItsLastKnownGoodSnapshotWhenTheSourceHoldsNone() {
		Revision[] published = new Revision[1];
		lastKnownGood().run((context) -> published[0] = context.getBean(StatePublisher.class)
			.publish("settings", Map.of("theme", "dark", "maxUploadMb", 42)));
		assertThat(this.directory.resolve("settings.snapshot")).exists();
		// the in-JVM store of the new context is empty, as Redis is after a restart
		// without persistence
		lastKnownGood().withPropertyValues("statesync.topics.settings.required=true").run((context) -> {
			assertThat(context).hasNotFailed();
			Settings settings = context.getBean(Settings.class);
			assertThat(settings.getTheme()).isEqualTo("dark");
			assertThat(settings.getMaxUploadMb()).isEqualTo(42);
			assertThat(context.getBean(SyncedTopicRegistry.class).handle("settings").localRevision())
				.isEqualTo(published[0]);
		});
	}

	@Test
	void archivedSnapshotThatNoLongerBindsIsReportedAndTheBeanKeepsItsDefaults() throws Exception {
		try (FileSnapshotArchive<JsonNode> archive = new FileSnapshotArchive<>(this.directory, new JacksonSyncCodec(),
				JsonNode.class)) {
			JsonNode oldSchema = JsonMapper.builder().build().readTree("{\"maxUploadMb\":\"unlimited\"}");
			archive.save("settings", new SnapshotEnvelope<>(Revision.of(7), oldSchema)).get();
		}
		lastKnownGood().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(Settings.class).getMaxUploadMb()).isEqualTo(10);
			assertThat(context.getBean(SyncedTopicRegistry.class).handle("settings").hasSnapshot()).isFalse();
			assertThat(context.getBean(RecordingListener.class).errors).singleElement().satisfies((error) -> {
				assertThat(error.phase()).isEqualTo(SyncPhase.ARCHIVE);
				assertThat(error.snapshotRevision()).isEqualTo(Revision.of(7));
				assertThat(error.cause()).hasMessageContaining("does not bind");
			});
		});
	}

	@Test
	void corruptArchiveIsReportedAndIgnored() throws Exception {
		Files.writeString(this.directory.resolve("settings.snapshot"), "statesync-snapshot 1 00000000 2\n{}");
		lastKnownGood().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(Settings.class).getTheme()).isEqualTo("light");
			assertThat(context.getBean(RecordingListener.class).errors).singleElement().satisfies((error) -> {
				assertThat(error.phase()).isEqualTo(SyncPhase.ARCHIVE);
				assertThat(error.cause()).hasMessageEndingWith("is corrupt: checksum mismatch");
			});
		});
	}

	@Test
	void twoNodesCannotShareADirectory() {
		lastKnownGood().run((first) -> lastKnownGood().run((second) -> {
			assertThat(second).hasFailed();
			assertThat(new StateSyncFailureAnalyzer().analyze(second.getStartupFailure()).getDescription())
				.contains("Property: statesync.last-known-good-directory")
				.contains("is in use by another archive");
		}));
	}

	@Test
	void unusableDirectoryFailsWithThePropertyToFix() throws Exception {
		Path file = Files.writeString(this.directory.resolve("a-file"), "not a directory");
		this.runner
			.withPropertyValues("statesync.topics.settings.last-known-good=true",
					"statesync.last-known-good-directory=" + file)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: statesync.last-known-good-directory")
					.contains("cannot be created or written");
			});
	}

	@Test
	void nodeStartedWhileRedisIsDownStartsOnDiskStateAndConvergesWhenRedisReturns() {
		ApplicationContextRunner node = lastKnownGood()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + redis.server().port(), "spring.data.redis.timeout=500ms",
					"statesync.topics.settings.retry.max-attempts=2", "statesync.startup-timeout=5s");
		node.run((first) -> first.getBean(StatePublisher.class).publish("settings", Map.of("theme", "before")));
		redis.server().stop();
		node.withPropertyValues("statesync.topics.settings.required=true").run((restarted) -> {
			assertThat(restarted).as("a required topic starts on its disk state").hasNotFailed();
			Settings settings = restarted.getBean(Settings.class);
			assertThat(settings.getTheme()).isEqualTo("before");
			redis.server().restart();
			long restartedAt = System.nanoTime();
			// a writer of its own, without an archive (a directory serves one process)
			this.runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
				.withPropertyValues("spring.data.redis.port=" + redis.server().port())
				.run((writer) -> writer.getBean(StatePublisher.class).publish("settings", Map.of("theme", "after")));
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(settings.getTheme()).isEqualTo("after"));
			System.out.printf("FAULT node started while Redis was down: converged %d ms after Redis restarted%n",
					Duration.ofNanos(System.nanoTime() - restartedAt).toMillis());
		});
	}

	static final class RecordingListener implements SyncListener {

		final List<SyncError> errors = new CopyOnWriteArrayList<>();

		@Override
		public void onError(SyncError error) {
			if (error.phase() == SyncPhase.ARCHIVE) {
				this.errors.add(error);
			}
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
