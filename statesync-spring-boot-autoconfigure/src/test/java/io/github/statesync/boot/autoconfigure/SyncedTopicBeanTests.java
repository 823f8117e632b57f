package io.github.statesync.boot.autoconfigure;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.boot.StateSyncAppliedEvent;
import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.transport.LocalStateSyncTransport;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.SnapshotProvider;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.support.ExecutorSubscribableChannel;
import org.springframework.validation.annotation.Validated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SyncedTopicBeanTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class, JacksonAutoConfiguration.class));

	/**
	 * Publish as another node would, and wait until this node applied the write: applies
	 * run on the engine's scheduler, never on the publishing thread.
	 */
	private static Revision publishRemotely(org.springframework.context.ApplicationContext context, String topic,
			Object data) {
		Revision revision = context.getBean(StateSyncTransport.class).publisher().publish(topic, data);
		SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle(topic);
		assertThat(handle).as("handle of topic '%s'", topic).isNotNull();
		await().until(() -> Long.compareUnsigned(handle.localRevision().longValue(), revision.longValue()) >= 0);
		return revision;
	}

	@Test
	void lazyBeanIsStillSynced() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withInitializer(
					(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.run((context) -> {
				publishRemotely(context, "settings", Map.of("theme", "dark"));
				assertThat(context.getBean(TestTopics.Settings.class).getTheme()).isEqualTo("dark");
			});
	}

	@Test
	void alreadyProxiedBeanKeepsItsAdviceAndFollowsSnapshots() {
		this.runner.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
			.withUserConfiguration(ValidatedConfiguration.class)
			.run((context) -> {
				ValidatedLimits limits = context.getBean(ValidatedLimits.class);
				assertThat(AopUtils.isAopProxy(limits)).isTrue();
				publishRemotely(context, "validated", Map.of("name", "gold"));
				assertThat(limits.getName()).isEqualTo("gold");
				assertThat(context.getBean(SyncedTopicRegistry.class).handle("validated").hasSnapshot()).isTrue();
			});
	}

	@Test
	void annotationOnSuperclassRegistersSyncedValueToo() {
		this.runner.withBean(InheritedSettings.class).run((context) -> {
			assertThat(context).hasBean("statesync.syncedValue.inherited");
			Revision revision = publishRemotely(context, "inherited", Map.of("name", "x"));
			assertThat(((SyncedValue<?>) context.getBean("statesync.syncedValue.inherited")).revision())
				.isEqualTo(revision);
		});
	}

	@Test
	void listenerThatPublishesDuringAnApplyDoesNotMoveTheRevisionBack() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class, RepublishingListener.class)
			.run((context) -> {
				Revision revision = publishRemotely(context, "settings", Map.of("theme", "dark"));
				SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle("settings");
				assertThat(handle.localRevision()).isEqualTo(revision.next());
				assertThat(context.getBean(TestTopics.Settings.class).getTheme()).isEqualTo("normalized");
				// the gate still works: the echo of the listener's own write is stale
				assertThat(context.getBean(SyncedTopicRegistry.class).value("settings").revision())
					.isEqualTo(revision.next());
			});
	}

	@Test
	void topicWhoseSubscriptionFailsAtStartKeepsTryingUntilItRuns() {
		AtomicInteger attempts = new AtomicInteger();
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withBean(StateSyncTransport.class, () -> new FlakyTransport(attempts))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle("settings");
				await().atMost(java.time.Duration.ofSeconds(10))
					.until(() -> handle.state() == SyncHandle.State.RUNNING);
				assertThat(attempts.get()).isGreaterThanOrEqualTo(2);
				publishRemotely(context, "settings", Map.of("theme", "dark"));
				assertThat(context.getBean(TestTopics.Settings.class).getTheme()).isEqualTo("dark");
			});
	}

	@Test
	void topicNamesThatBreakKeysOrUrlsAreRefused() {
		this.runner.withPropertyValues("statesync.topics.[a/b].required=false").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new StateSyncFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
				.contains("Value: a/b")
				.contains("must not contain '/'");
		});
	}

	@Validated
	@SyncedTopic("validated")
	public static class ValidatedLimits {

		@NotBlank
		private String name = "basic";

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ValidatedConfiguration {

		@Bean
		ValidatedLimits validatedLimits() {
			return new ValidatedLimits();
		}

	}

	@SyncedTopic("inherited")
	public static class BaseSettings {

		private String name = "base";

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

	}

	public static class InheritedSettings extends BaseSettings {

	}

	/**
	 * Normalizes every applied theme by publishing again, from inside the apply.
	 */
	@Configuration(proxyBeanMethods = false)
	static class RepublishingListener implements ApplicationListener<StateSyncAppliedEvent> {

		private final StatePublisher publisher;

		RepublishingListener(StatePublisher publisher) {
			this.publisher = publisher;
		}

		@Override
		public void onApplicationEvent(StateSyncAppliedEvent event) {
			if (!((TestTopics.Settings) event.getValue()).getTheme().equals("normalized")) {
				this.publisher.publish("settings", Map.of("theme", "normalized"));
			}
		}

	}

	/**
	 * The local transport, whose subscriber refuses the first two subscriptions.
	 */
	static final class FlakyTransport implements StateSyncTransport {

		private final LocalStateSyncTransport delegate = new LocalStateSyncTransport(new ExecutorSubscribableChannel(),
				JsonMapper.builder().build(), "flaky");

		private final AtomicInteger attempts;

		FlakyTransport(AtomicInteger attempts) {
			this.attempts = attempts;
		}

		@Override
		public String name() {
			return "flaky";
		}

		@Override
		public InvalidationSubscriber subscriber() {
			return (topic, listener) -> {
				if (this.attempts.incrementAndGet() <= 2) {
					throw new IllegalStateException("not yet");
				}
				return this.delegate.subscriber().subscribe(topic, listener);
			};
		}

		@Override
		public StatePublisher publisher() {
			return this.delegate.publisher();
		}

		@Override
		public SnapshotProvider<JsonNode> provider(io.github.statesync.boot.topic.TopicSettings settings) {
			return this.delegate.provider(settings);
		}

	}

}
