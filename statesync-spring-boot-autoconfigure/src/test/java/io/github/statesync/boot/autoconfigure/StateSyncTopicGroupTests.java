package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.github.statesync.boot.StateSyncTopicGroup;
import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.autoconfigure.TestTopics.Limits;
import io.github.statesync.boot.bean.SyncedValueBeanRegistrar;
import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncStartupException;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.Revision;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class StateSyncTopicGroupTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void groupTopicsSyncWithoutAPropertyOrABeanPerTopic() {
		this.runner.withBean("limits", StateSyncTopicGroup.class, () -> limits("limits-a", "limits-b", "limits-c"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(Arrays.stream(context.getBeanDefinitionNames()))
					.noneMatch((name) -> name.startsWith(SyncedValueBeanRegistrar.BEAN_NAME_PREFIX));
				SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
				assertThat(registry.handles()).extracting(SyncHandle::topic)
					.containsExactlyInAnyOrder("limits-a", "limits-b", "limits-c");
				SyncedValue<Limits> limits = registry.value("limits-b", Limits.class);
				assertThat(limits.get()).isNull();
				publishRemotely(context, "limits-b", Map.of("rate", 5, "burst", 6));
				assertThat(limits.get()).isEqualTo(new Limits(5, 6));
				assertThat(registry.value("limits-a", Limits.class).get()).isNull();
			});
	}

	@Test
	void readingAGroupTopicAsAnotherTypeFailsWithBothTypesNamed() {
		this.runner.withBean("limits", StateSyncTopicGroup.class, () -> limits("limits-a")).run((context) -> {
			SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
			assertThat(registry.value("limits-a", Object.class)).isSameAs(registry.value("limits-a"));
			assertThatIllegalArgumentException().isThrownBy(() -> registry.value("limits-a", String.class))
				.withMessageContaining(Limits.class.getName())
				.withMessageContaining("java.lang.String");
		});
	}

	@Test
	void requiredGroupTopicWithoutSnapshotFailsStartupWithTheTopicNamed() {
		this.runner
			.withBean("limits", StateSyncTopicGroup.class,
					() -> StateSyncTopicGroup.builder("limits", Limits.class).topics("limits-a").required(true).build())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().isInstanceOf(StateSyncStartupException.class);
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("'limits-a'");
			});
	}

	@Test
	void topicsOwnPropertyHasTheLastWordOverTheGroupsRequired() {
		this.runner
			.withBean("limits", StateSyncTopicGroup.class,
					() -> StateSyncTopicGroup.builder("limits", Limits.class)
						.topics("limits-a", "limits-b")
						.required(true)
						.build())
			.withPropertyValues("statesync.topics.limits-a.required=false", "statesync.topics.limits-b.required=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SyncedTopicRegistry.class).isRequired("limits-a")).isFalse();
			});
	}

	@Test
	void groupTopicsTakeTheDefaultsThenTheirOwnPropertiesThenCustomizers() {
		this.runner.withBean("limits", StateSyncTopicGroup.class, () -> limits("limits-a", "limits-b", "limits-c"))
			.withPropertyValues("statesync.defaults.poll-interval=1m", "statesync.topics.limits-b.poll-interval=30s")
			.withBean(StateSyncTopicCustomizer.class,
					() -> (topic, options) -> topic.equals("limits-c") ? options.withPollInterval(Duration.ofSeconds(5))
							: options)
			.run((context) -> {
				SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
				assertThat(registry.handle("limits-a").options().pollInterval()).isEqualTo(Duration.ofMinutes(1));
				assertThat(registry.handle("limits-b").options().pollInterval()).isEqualTo(Duration.ofSeconds(30));
				assertThat(registry.handle("limits-c").options().pollInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(registry.settings("limits-b").type()).isEqualTo(Limits.class);
			});
	}

	@Test
	void topicsThatResolveAlikeShareTheirOptions() {
		this.runner.withBean("limits", StateSyncTopicGroup.class, () -> limits("limits-a", "limits-b"))
			.withPropertyValues("statesync.topics.flags.required=false")
			.run((context) -> {
				SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
				assertThat(registry.settings("limits-a").options()).isSameAs(registry.settings("limits-b").options())
					.isSameAs(registry.settings("flags").options());
			});
	}

	@Test
	void topicInTwoGroupsFailsWithBothGroupsNamed() {
		this.runner.withBean("limits", StateSyncTopicGroup.class, () -> limits("limits-a", "shared"))
			.withBean("flags", StateSyncTopicGroup.class,
					() -> StateSyncTopicGroup.builder("flags").topics("shared").build())
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("Property: topics of StateSyncTopicGroup '")
					.contains("Value: shared")
					.contains("a topic belongs to one group at most");
			});
	}

	@Test
	void badTopicNameInAGroupFailsNamingTheGroup() {
		this.runner.withBean("limits", StateSyncTopicGroup.class, () -> limits("limits-a", "limits b"))
			.run((context) -> assertThat(analysis(context).getDescription())
				.contains("Property: topics of StateSyncTopicGroup 'limits'")
				.contains("Value: limits b")
				.contains("white space"));
		this.runner.withBean("limits", StateSyncTopicGroup.class, () -> limits("limits-a", ""))
			.run((context) -> assertThat(analysis(context).getDescription()).contains("must not be empty"));
	}

	@Test
	void groupTopicAlsoDeclaredByABeanFails() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withBean("limits", StateSyncTopicGroup.class, () -> limits("settings"))
			.run((context) -> assertThat(analysis(context).getDescription()).contains("Value: settings")
				.contains("also declared by @SyncedTopic bean 'settings'"));
	}

	@Test
	void groupTopicTypedOtherwiseInPropertiesFailsWithThePropertyToFix() {
		this.runner.withBean("limits", StateSyncTopicGroup.class, () -> limits("limits"))
			.withPropertyValues("statesync.topics.limits.type=java.lang.String")
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains("Property: statesync.topics.limits.type")
					.contains("is in StateSyncTopicGroup 'limits'");
			});
	}

	@Test
	void groupTopicsCountTowardsTheTopicLimit() {
		this.runner.withBean("limits", StateSyncTopicGroup.class, () -> limits("limits-a", "limits-b", "limits-c"))
			.withPropertyValues("statesync.max-topics=2")
			.run((context) -> assertThat(analysis(context).getDescription()).contains("Property: statesync.max-topics")
				.contains("3 topics are declared"));
	}

	@Test
	void manyGroupTopicsEachStartAndCount() {
		List<String> topics = IntStream.range(0, 500).mapToObj((i) -> "many-" + i).toList();
		this.runner
			.withBean("many", StateSyncTopicGroup.class,
					() -> StateSyncTopicGroup.builder("many").topics(topics).build())
			.run((context) -> {
				SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
				assertThat(registry.handles()).hasSize(500);
				publishRemotely(context, "many-499", Map.of("on", true));
				SyncedValue<JsonNode> value = registry.value("many-499", JsonNode.class);
				assertThat(value.get().get("on").asBoolean()).isTrue();
				TopicStatistics statistics = context.getBean(TopicStatistics.class);
				assertThat(statistics.topic("many-499").invalidations(InvalidationOutcome.ACCEPTED)).isEqualTo(1);
				assertThat(statistics.topic("many-0").invalidations(InvalidationOutcome.ACCEPTED)).isZero();
			});
	}

	private static StateSyncTopicGroup<Limits> limits(String... topics) {
		return StateSyncTopicGroup.builder("limits", Limits.class).topics(topics).build();
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis;
	}

	private static void publishRemotely(AssertableApplicationContext context, String topic, Object data) {
		SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle(topic);
		Revision revision = context.getBean(StateSyncTransport.class).publisher().publish(topic, data);
		await().atMost(Duration.ofSeconds(5)).until(() -> !revision.isNewerThan(handle.localRevision()));
	}

}
