package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.statesync.boot.StateSyncAppliedEvent;
import io.github.statesync.boot.autoconfigure.TestTopics.Pair;
import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link StateSyncAppliedEvent} is typed by its topic's state, and says on which thread
 * its listeners run.
 */
class StateSyncAppliedEventTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class, TestTopics.PairConfiguration.class,
				TypedListeners.class)
		.withPropertyValues("statesync.topics.flags.required=false");

	@Test
	void typedListenersReceiveOnlyTheEventsOfTheirTopicsType() {
		this.runner.run((context) -> {
			publishRemotely(context, "settings", Map.of("theme", "dark"));
			publishRemotely(context, "pair", Map.of("left", 7, "right", 7));
			publishRemotely(context, "flags", Map.of("beta", true));
			TypedListeners listeners = context.getBean(TypedListeners.class);
			assertThat(listeners.settings).singleElement().satisfies((event) -> {
				assertThat(event.getTopic()).isEqualTo("settings");
				assertThat(event.getValue().getTheme()).isEqualTo("dark");
				assertThat(event.getPreviousValue().getTheme()).isEqualTo("light");
			});
			assertThat(listeners.pairs).singleElement()
				.satisfies((event) -> assertThat(event.getValue().getLeft()).isEqualTo(7));
			assertThat(listeners.trees).singleElement()
				.satisfies((event) -> assertThat(event.getValue().get("beta").asBoolean()).isTrue());
			assertThat(listeners.all).extracting(StateSyncAppliedEvent::getTopic)
				.containsExactly("settings", "pair", "flags");
		});
	}

	@Test
	void eventResolvesToItsValueType() {
		StateSyncAppliedEvent<Settings> event = new StateSyncAppliedEvent<>(this, "settings", Revision.ZERO,
				Revision.of(1), null, new Settings(), Settings.class);
		assertThat(event.getResolvableType())
			.isEqualTo(ResolvableType.forClassWithGenerics(StateSyncAppliedEvent.class, Settings.class));
		// built once per value type: Spring's listener cache finds it without comparing
		// generics
		assertThat(new StateSyncAppliedEvent<>(this, "settings", Revision.of(1), Revision.of(2), null, new Settings(),
				Settings.class)
			.getResolvableType()).isSameAs(event.getResolvableType());
		assertThat(new StateSyncAppliedEvent<>(this, "pair", Revision.ZERO, Revision.of(1), null, new Pair())
			.getValueType()).isEqualTo(Pair.class);
	}

	@Test
	void anotherNodesWriteIsHeardOnAStatesyncThreadAndThisNodesOwnOnThePublishingThread() {
		this.runner.run((context) -> {
			TypedListeners listeners = context.getBean(TypedListeners.class);
			publishRemotely(context, "settings", Map.of("theme", "dark"));
			assertThat(listeners.threads).singleElement().asString().startsWith("statesync-");
			listeners.threads.clear();
			context.getBean(StatePublisher.class).publish("settings", Map.of("theme", "blue"));
			// applied before publish returned: on this thread, unless the write's own
			// invalidation got it applied first on a statesync thread
			assertThat(listeners.threads).singleElement()
				.asString()
				.satisfiesAnyOf((name) -> assertThat(name).isEqualTo(Thread.currentThread().getName()),
						(name) -> assertThat(name).startsWith("statesync-"));
		});
	}

	/**
	 * Publish through the transport, as another node would, and wait for the apply.
	 */
	private static void publishRemotely(AssertableApplicationContext context, String topic, Object data) {
		SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle(topic);
		Revision revision = context.getBean(StateSyncTransport.class).publisher().publish(topic, data);
		await().atMost(Duration.ofSeconds(5)).until(() -> !revision.isNewerThan(handle.localRevision()));
	}

	static class TypedListeners {

		final List<StateSyncAppliedEvent<Settings>> settings = new CopyOnWriteArrayList<>();

		final List<StateSyncAppliedEvent<Pair>> pairs = new CopyOnWriteArrayList<>();

		final List<StateSyncAppliedEvent<JsonNode>> trees = new CopyOnWriteArrayList<>();

		final List<StateSyncAppliedEvent<?>> all = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		@EventListener
		void onSettings(StateSyncAppliedEvent<Settings> event) {
			this.settings.add(event);
			this.threads.add(Thread.currentThread().getName());
		}

		@EventListener
		void onPair(StateSyncAppliedEvent<Pair> event) {
			this.pairs.add(event);
		}

		@EventListener
		void onTree(StateSyncAppliedEvent<JsonNode> event) {
			this.trees.add(event);
		}

		@EventListener
		void onAny(StateSyncAppliedEvent<?> event) {
			this.all.add(event);
		}

	}

}
