package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.boot.ApplyMode;
import io.github.statesync.boot.StateSyncAppliedEvent;
import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.autoconfigure.TestTopics.Limits;
import io.github.statesync.boot.autoconfigure.TestTopics.Pair;
import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.autoconfigure.redis.StateSyncRedisAutoConfiguration;
import io.github.statesync.boot.autoconfigure.rest.StateSyncRestAutoConfiguration;
import io.github.statesync.boot.rest.RestSnapshotProviders;
import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.EchoingStatePublisher;
import io.github.statesync.boot.sync.StateSyncLifecycle;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.BeanTopic;
import io.github.statesync.boot.topic.PublishRejectedException;
import io.github.statesync.boot.topic.StateSyncStartupException;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.boot.topic.TopicSettingsResolver;
import io.github.statesync.boot.transport.LocalStateSyncTransport;
import io.github.statesync.core.engine.ApplyOn;
import io.github.statesync.core.engine.RegressionPolicy;
import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncOptions;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.redis.RedisSnapshotStore;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class StateSyncAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class,
				StateSyncRedisAutoConfiguration.class, StateSyncRestAutoConfiguration.class,
				JacksonAutoConfiguration.class, ValidationAutoConfiguration.class));

	@Test
	void defaultsToLocalTransportWithoutRedis() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(LocalStateSyncTransport.class);
			assertThat(context).hasSingleBean(EchoingStatePublisher.class);
			assertThat(context).hasSingleBean(StateSyncLifecycle.class);
			assertThat(context.getBean(StateSyncLifecycle.class).isRunning()).isTrue();
		});
	}

	@Test
	void runWhenDisabledCreatesNothing() {
		this.runner.withPropertyValues("statesync.enabled=false")
			.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(StateSyncLifecycle.class);
				assertThat(context).doesNotHaveBean(StatePublisher.class);
				assertThat(context.getBean(Settings.class).getClass()).isEqualTo(Settings.class);
			});
	}

	@Test
	void backsOffFromUserPublisherAndTransport() {
		StatePublisher publisher = new StatePublisher() {

			@Override
			public Revision publish(String topic, Object data) {
				return Revision.of(1);
			}

			@Override
			public io.github.statesync.core.publish.PublishResult publishIfCurrent(String topic, Revision expected,
					Object data) {
				return new io.github.statesync.core.publish.PublishResult(true, Revision.of(1));
			}

		};
		this.runner.withBean(StatePublisher.class, () -> publisher).run((context) -> {
			assertThat(context).doesNotHaveBean(EchoingStatePublisher.class);
			assertThat(context.getBean(StatePublisher.class)).isSameAs(publisher);
		});
		this.runner
			.withBean("myTransport", StateSyncTransport.class,
					() -> new LocalStateSyncTransport(
							new org.springframework.messaging.support.ExecutorSubscribableChannel(),
							tools.jackson.databind.json.JsonMapper.builder().build(), "mine"))
			.run((context) -> assertThat(context).getBeans(StateSyncTransport.class).containsOnlyKeys("myTransport"));
	}

	@Test
	void redisTransportIsSkippedWhenStatesyncRedisIsNotOnClasspath() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisSnapshotStore.class))
			.run((context) -> assertThat(context).hasSingleBean(LocalStateSyncTransport.class));
	}

	@Test
	void runsWithoutSpringWebAndOffersNoRestProvider() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.web"))
			.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RestSnapshotProviders.class);
				assertThat(context.getBean(StateSyncLifecycle.class).isRunning()).isTrue();
			});
	}

	@Test
	void redisTransportRequestedWithoutRedisFailsWithPropertyToFix() {
		this.runner.withPropertyValues("statesync.transport=redis").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: statesync.transport")
				.contains("RedisConnectionFactory");
			assertThat(analysis.getAction()).contains("statesync.transport");
		});
	}

	@Test
	void annotatedClassBeanFollowsPublishedSnapshots() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class).run((context) -> {
			Settings settings = context.getBean(Settings.class);
			assertThat(settings.getTheme()).isEqualTo("light");
			Revision revision = publishRemotely(context, "settings", Map.of("theme", "dark", "maxUploadMb", 25));
			assertThat(settings.getTheme()).isEqualTo("dark");
			assertThat(settings.getMaxUploadMb()).isEqualTo(25);
			SyncedValue<Settings> value = syncedValue(context, "settings");
			assertThat(value.get().getTheme()).isEqualTo("dark");
			assertThat(value.revision()).isEqualTo(revision);
		});
	}

	@Test
	void beanMethodAnnotationWorksAndPublisherEchoesLocally() {
		this.runner.withUserConfiguration(TestTopics.ReplaceConfiguration.class).run((context) -> {
			Settings settings = context.getBean(Settings.class);
			assertThat(settings.getTheme()).isEqualTo("default-theme");
			Revision revision = context.getBean(StatePublisher.class).publish("settings", Map.of("theme", "dark"));
			assertThat(settings.getTheme()).isEqualTo("dark");
			assertThat(context.getBean(SyncedTopicRegistry.class).handle("settings").localRevision())
				.isEqualTo(revision);
		});
	}

	@Test
	void patchKeepsPropertiesTheSnapshotLacks() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class).run((context) -> {
			Settings settings = context.getBean(Settings.class);
			publishRemotely(context, "settings", Map.of("theme", "dark", "maxUploadMb", 25));
			publishRemotely(context, "settings", Map.of("theme", "blue"));
			assertThat(settings.getTheme()).isEqualTo("blue");
			assertThat(settings.getMaxUploadMb()).isEqualTo(25);
		});
	}

	@Test
	void replaceResetsPropertiesTheSnapshotLacksToDefaults() {
		this.runner.withUserConfiguration(TestTopics.ReplaceConfiguration.class).run((context) -> {
			Settings settings = context.getBean(Settings.class);
			publishRemotely(context, "settings", Map.of("theme", "dark", "maxUploadMb", 25));
			publishRemotely(context, "settings", Map.of("maxUploadMb", 30));
			assertThat(settings.getTheme()).isEqualTo("default-theme");
			assertThat(settings.getMaxUploadMb()).isEqualTo(30);
		});
	}

	@Test
	void pickAndOmitKeysLimitWhatSyncs() {
		this.runner.withUserConfiguration(TestTopics.PickOmitConfiguration.class).run((context) -> {
			Settings settings = context.getBean(Settings.class);
			publishRemotely(context, "settings",
					Map.of("theme", "dark", "maxUploadMb", 25, "features", Map.of("beta", true)));
			assertThat(settings.getTheme()).isEqualTo("dark");
			assertThat(settings.getMaxUploadMb()).isEqualTo(10);
			assertThat(settings.getFeatures()).isEmpty();
		});
	}

	@Test
	void recordSyncsThroughSyncedValue() {
		this.runner.withUserConfiguration(TestTopics.LimitsConfiguration.class).run((context) -> {
			SyncedValue<Limits> limits = syncedValue(context, "limits");
			assertThat(limits.get()).isEqualTo(new Limits(10, 20));
			publishRemotely(context, "limits", Map.of("rate", 50));
			assertThat(limits.get()).isEqualTo(new Limits(50, 20));
			assertThat(context.getBean(Limits.class)).isEqualTo(new Limits(10, 20));
		});
	}

	@Test
	void topicConfiguredOnlyInPropertiesSyncsIntoQualifiedSyncedValue() {
		this.runner.withPropertyValues("statesync.topics.flags.required=false")
			.withUserConfiguration(FlagsConsumer.class)
			.run((context) -> {
				FlagsConsumer consumer = context.getBean(FlagsConsumer.class);
				assertThat(consumer.flags.get()).isNull();
				publishRemotely(context, "flags", Map.of("checkout", true));
				assertThat(consumer.flags.get().get("checkout").asBoolean()).isTrue();
			});
	}

	@Test
	void topicConfiguredOnlyInPropertiesCanBeTyped() {
		this.runner.withPropertyValues("statesync.topics.limits.type=" + Limits.class.getName()).run((context) -> {
			SyncedValue<Limits> limits = syncedValue(context, "limits");
			publishRemotely(context, "limits", Map.of("rate", 5, "burst", 6));
			assertThat(limits.get()).isEqualTo(new Limits(5, 6));
		});
	}

	@Test
	void publishesAppliedEventWithOldAndNewRevisionAndValue() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class, AppliedEvents.class)
			.run((context) -> {
				Revision revision = publishRemotely(context, "settings", Map.of("theme", "dark"));
				List<StateSyncAppliedEvent> events = context.getBean(AppliedEvents.class).events;
				assertThat(events).singleElement().satisfies((event) -> {
					assertThat(event.getTopic()).isEqualTo("settings");
					assertThat(event.getPreviousRevision()).isEqualTo(Revision.ZERO);
					assertThat(event.getRevision()).isEqualTo(revision);
					assertThat(((Settings) event.getPreviousValue()).getTheme()).isEqualTo("light");
					assertThat(((Settings) event.getValue()).getTheme()).isEqualTo("dark");
				});
			});
	}

	@Test
	void invalidSnapshotIsRejectedAndLastGoodStateStays() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class, Errors.class).run((context) -> {
			Settings settings = context.getBean(Settings.class);
			publishRemotely(context, "settings", Map.of("theme", "dark", "maxUploadMb", 25));
			publishRemotely(context, "settings", Map.of("theme", "", "maxUploadMb", 5000));
			publishRemotely(context, "settings", Map.of("maxUploadMb", "lots"));
			assertThat(settings.getTheme()).isEqualTo("dark");
			assertThat(settings.getMaxUploadMb()).isEqualTo(25);
			List<SyncError> errors = context.getBean(Errors.class).errors;
			assertThat(errors).extracting(SyncError::phase).containsExactly(SyncPhase.APPLY, SyncPhase.APPLY);
			assertThat(errors.get(0).cause()).hasMessage(
					"snapshot of topic 'settings' is invalid: maxUploadMb must be less than or equal to 1000, theme must not be blank");
			assertThat(errors.get(1).cause()).hasMessageContaining("does not bind to " + Settings.class.getName());
			publishRemotely(context, "settings", Map.of("maxUploadMb", 30));
			assertThat(settings.getMaxUploadMb()).isEqualTo(30);
		});
	}

	@Test
	void readersNeverSeeOldAndNewFieldsMixed() {
		this.runner.withUserConfiguration(TestTopics.PairConfiguration.class).run((context) -> {
			Pair pair = context.getBean(Pair.class);
			SyncedValue<Pair> value = syncedValue(context, "pair");
			StatePublisher publisher = context.getBean(StateSyncTransport.class).publisher();
			AtomicBoolean writing = new AtomicBoolean(true);
			AtomicInteger mixed = new AtomicInteger();
			AtomicInteger reads = new AtomicInteger();
			List<CompletableFuture<Void>> readers = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				readers.add(CompletableFuture.runAsync(() -> {
					while (writing.get()) {
						Pair snapshot = value.get();
						if (!pair.isConsistent() || snapshot.getLeft() != snapshot.getRight()) {
							mixed.incrementAndGet();
						}
						reads.incrementAndGet();
					}
				}));
			}
			for (long i = 1; i <= 2000; i++) {
				publisher.publish("pair", Map.of("left", i, "right", i));
			}
			// applies run on the engine's scheduler, behind the publishes: read on until
			// the last one is in
			await().atMost(Duration.ofSeconds(30)).until(() -> pair.getLeft() == 2000);
			writing.set(false);
			readers.forEach(CompletableFuture::join);
			assertThat(pair.getLeft()).isEqualTo(2000);
			assertThat(reads.get()).isPositive();
			assertThat(mixed.get()).isZero();
		});
	}

	@Test
	void requiredTopicWithoutSnapshotFailsStartupWithTheTopicNamed() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.topics.settings.required=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().isInstanceOf(StateSyncStartupException.class);
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'settings'").contains("holds no snapshot yet");
				assertThat(analysis.getAction()).contains("statesync.topics.<topic>.required=false");
			});
	}

	@Test
	void notRequiredTopicStartsOnDefaults() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle("settings");
			assertThat(handle.state()).isEqualTo(SyncHandle.State.RUNNING);
			assertThat(handle.hasSnapshot()).isFalse();
			assertThat(context.getBean(Settings.class).getTheme()).isEqualTo("light");
		});
	}

	@Test
	void bindsTopicPropertiesOverDefaults() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.defaults.poll-interval=1m", "statesync.defaults.retry.max-attempts=7",
					"statesync.topics.settings.poll-interval=30s", "statesync.topics.settings.debounce=50ms",
					"statesync.topics.settings.retry.initial-delay=20ms")
			.run((context) -> {
				SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle("settings");
				assertThat(handle.options().pollInterval()).isEqualTo(Duration.ofSeconds(30));
				assertThat(handle.options().throttling().debounce()).isEqualTo(Duration.ofMillis(50));
				assertThat(handle.options().retry().maxAttempts()).isEqualTo(7);
				assertThat(handle.options().retry().initialDelay()).isEqualTo(Duration.ofMillis(20));
			});
	}

	@Test
	void followsARegressedSourceByDefaultAndHoldsWhenATopicSaysSo() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.run((context) -> assertThat(
					context.getBean(SyncedTopicRegistry.class).handle("settings").options().onRegression())
				.isEqualTo(RegressionPolicy.FOLLOW));
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.defaults.on-regression=hold")
			.run((context) -> assertThat(
					context.getBean(SyncedTopicRegistry.class).handle("settings").options().onRegression())
				.isEqualTo(RegressionPolicy.HOLD));
	}

	@Test
	void appliesOnTheSchedulerByDefaultAndOnTheDeliveringThreadWhenATopicSaysSo() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.run((context) -> assertThat(
					context.getBean(SyncedTopicRegistry.class).handle("settings").options().applyOn())
				.isEqualTo(ApplyOn.SCHEDULER));
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.topics.settings.apply-on=delivering-thread")
			.run((context) -> assertThat(
					context.getBean(SyncedTopicRegistry.class).handle("settings").options().applyOn())
				.isEqualTo(ApplyOn.DELIVERING_THREAD));
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.defaults.apply-on=delivering-thread",
					"statesync.topics.settings.apply-on=scheduler")
			.run((context) -> assertThat(
					context.getBean(SyncedTopicRegistry.class).handle("settings").options().applyOn())
				.isEqualTo(ApplyOn.SCHEDULER));
	}

	@Test
	void customizerRunsAfterProperties() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.topics.settings.poll-interval=30s")
			.withBean(StateSyncTopicCustomizer.class,
					() -> (topic, options) -> options.withPollInterval(Duration.ofSeconds(5)))
			.run((context) -> assertThat(
					context.getBean(SyncedTopicRegistry.class).handle("settings").options().pollInterval())
				.isEqualTo(Duration.ofSeconds(5)));
	}

	@Test
	void customizerHasTheLastWordOnFailStartOnError() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withBean(StateSyncTopicCustomizer.class, () -> (topic, options) -> options.withFailStartOnError(true))
			.run((context) -> assertThat(
					context.getBean(SyncedTopicRegistry.class).handle("settings").options().failStartOnError())
				.isTrue());
	}

	@Test
	void userTopicSettingsResolverReplacesTheDefaultOne() {
		TopicSettingsResolver custom = new TopicSettingsResolver() {

			@Override
			public Set<String> configuredTopics() {
				return Set.of();
			}

			@Override
			public TopicSettings resolve(String topic, @Nullable BeanTopic bean) {
				return new TopicSettings(topic, (bean != null) ? bean.type() : JsonNode.class,
						SyncOptions.DEFAULTS.withPollInterval(Duration.ofSeconds(7)), false, ApplyMode.PATCH, Set.of(),
						Set.of(), null, 1024 * 1024, 0, false);
			}

		};
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withBean("myResolver", TopicSettingsResolver.class, () -> custom)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).getBeans(TopicSettingsResolver.class).containsOnlyKeys("myResolver");
				assertThat(context.getBean(StateSyncLifecycle.class).isRunning()).isTrue();
				assertThat(context.getBean(SyncedTopicRegistry.class).handle("settings").options().pollInterval())
					.isEqualTo(Duration.ofSeconds(7));
			});
	}

	@Test
	void publishOfAnInvalidStateIsRefusedBeforeAnythingIsWritten() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class).run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			assertThatExceptionOfType(PublishRejectedException.class)
				.isThrownBy(() -> publisher.publish("settings", Map.of("theme", "", "maxUploadMb", 99999)))
				.isInstanceOf(PublishException.class)
				.withMessageContaining("'settings'")
				.withMessageContaining("maxUploadMb must be less than or equal to 1000")
				.withMessageContaining("theme must not be blank");
			assertThatExceptionOfType(PublishRejectedException.class)
				.isThrownBy(() -> publisher.publishIfCurrent("settings", Revision.ZERO, Map.of("maxUploadMb", "lots")))
				.withMessageContaining("does not bind to " + Settings.class.getName());
			SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle("settings");
			assertThat(handle.refresh()).succeedsWithin(Duration.ofSeconds(5));
			assertThat(handle.hasSnapshot()).isFalse();
			// PATCH: what the snapshot lacks comes from the current bean, as on readers
			publisher.publish("settings", Map.of("maxUploadMb", 30));
			assertThat(context.getBean(Settings.class).getMaxUploadMb()).isEqualTo(30);
			assertThat(context.getBean(Settings.class).getTheme()).isEqualTo("light");
		});
	}

	@Test
	void publishValidatesOnlyTheKeysReadersSync() {
		this.runner.withUserConfiguration(TestTopics.PickOmitConfiguration.class).run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			// maxUploadMb is omitted: readers never see it, so its value cannot make them
			// refuse the snapshot
			publisher.publish("settings", Map.of("theme", "dark", "maxUploadMb", 99999));
			assertThat(context.getBean(Settings.class).getTheme()).isEqualTo("dark");
			assertThatExceptionOfType(PublishRejectedException.class)
				.isThrownBy(() -> publisher.publish("settings", Map.of("theme", "")))
				.withMessageContaining("theme must not be blank");
		});
	}

	@Test
	void badPropertyValuesFailWithThePropertyToFix() {
		assertFailsOn("statesync.topics.pricing.url", "statesync.topics.pricing.url=ftp://owner");
		assertFailsOn("statesync.topics.pricing.url", "statesync.topics.pricing.provider=rest");
		assertFailsOn("statesync.topics.pricing.retry.max-attempts", "statesync.topics.pricing.retry.max-attempts=0");
		assertFailsOn("statesync.defaults.retry.multiplier", "statesync.defaults.retry.multiplier=0.5",
				"statesync.topics.pricing.type=java.lang.String");
		assertFailsOn("statesync.topics.pricing.trailing", "statesync.topics.pricing.throttle=1s",
				"statesync.topics.pricing.leading=false", "statesync.topics.pricing.trailing=false");
		assertFailsOn("statesync.topics.pricing.fetch-timeout", "statesync.topics.pricing.fetch-timeout=0s");
		assertFailsOn("statesync.topics.pricing.max-payload-size", "statesync.topics.pricing.max-payload-size=1GB");
		assertFailsOn("statesync.max-topics", "statesync.max-topics=0");
		assertFailsOn("statesync.topics.pricing.inline-max-size", "statesync.topics.pricing.inline-max-size=2MB");
	}

	@Test
	void followingMoreTopicsThanAllowedFailsWithTheCount() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.max-topics=2", "statesync.topics.pricing.required=false",
					"statesync.topics.limits.required=false")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: statesync.max-topics")
					.contains("Value: 2")
					.contains("3 topics are declared");
			});
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.max-topics=3", "statesync.topics.pricing.required=false",
					"statesync.topics.limits.required=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void servingAnUnknownTopicFailsWithTheKnownTopicsListed() {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(StateSyncAutoConfiguration.class, StateSyncRestAutoConfiguration.class))
			.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.rest.enabled=true", "statesync.rest.topics=setings")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: statesync.rest.topics")
					.contains("Value: setings")
					.contains("known topics: [settings]");
			});
	}

	private void assertFailsOn(String property, String... values) {
		this.runner.withPropertyValues(values).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("analysis of %s", (Object) values).isNotNull();
			assertThat(analysis.getDescription()).contains("Property: " + property);
			assertThat(analysis.getAction()).contains(property);
		});
	}

	@Test
	void startsBeforeAndStopsAfterTheWebServerPhase() {
		assertThat(StateSyncLifecycle.PHASE).isLessThan(WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE);
		List<String> seen = new CopyOnWriteArrayList<>();
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withBean(WebServerPhaseProbe.class, () -> new WebServerPhaseProbe(seen))
			.run((context) -> assertThat(seen).containsExactly("start: RUNNING"));
		assertThat(seen).containsExactly("start: RUNNING", "stop: RUNNING");
	}

	/**
	 * Publish through the transport, not the echoing publisher, so that the change
	 * arrives as an invalidation, and wait until this node applied it or reported why
	 * not: applies run on the engine's scheduler, never on the publishing thread.
	 */
	private static Revision publishRemotely(AssertableApplicationContext context, String topic, Object data) {
		SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle(topic);
		TopicStatistics.Topic statistics = context.getBean(TopicStatistics.class).topic(topic);
		long errorsBefore = errors(statistics);
		Revision revision = context.getBean(StateSyncTransport.class).publisher().publish(topic, data);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> !revision.isNewerThan(handle.localRevision()) || errors(statistics) > errorsBefore);
		return revision;
	}

	private static long errors(TopicStatistics.Topic statistics) {
		long errors = 0;
		for (SyncPhase phase : SyncPhase.values()) {
			errors += statistics.errors(phase);
		}
		return errors;
	}

	@SuppressWarnings("unchecked")
	private static <T> SyncedValue<T> syncedValue(AssertableApplicationContext context, String topic) {
		return (SyncedValue<T>) context.getBean("statesync.syncedValue." + topic, SyncedValue.class);
	}

	static class FlagsConsumer {

		final SyncedValue<JsonNode> flags;

		FlagsConsumer(@Qualifier("flags") SyncedValue<JsonNode> flags) {
			this.flags = flags;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AppliedEvents implements ApplicationListener<StateSyncAppliedEvent> {

		final List<StateSyncAppliedEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(StateSyncAppliedEvent event) {
			this.events.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Errors implements SyncListener {

		final List<SyncError> errors = new CopyOnWriteArrayList<>();

		@Override
		public void onError(SyncError error) {
			this.errors.add(error);
		}

	}

	/**
	 * Stands where the web server's lifecycle stands and records what it sees of the
	 * topics.
	 */
	static class WebServerPhaseProbe implements SmartLifecycle, org.springframework.context.ApplicationContextAware {

		private final List<String> seen;

		private org.springframework.context.ApplicationContext context;

		private volatile boolean running;

		WebServerPhaseProbe(List<String> seen) {
			this.seen = seen;
		}

		@Override
		public void setApplicationContext(org.springframework.context.ApplicationContext context) {
			this.context = context;
		}

		@Override
		public void start() {
			this.seen.add("start: " + state());
			this.running = true;
		}

		@Override
		public void stop() {
			this.seen.add("stop: " + state());
			this.running = false;
		}

		private String state() {
			SyncHandle<JsonNode> handle = this.context.getBean(SyncedTopicRegistry.class).handle("settings");
			return (handle != null) ? handle.state().name() : "none";
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE;
		}

	}

}
