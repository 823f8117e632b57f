package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.autoconfigure.TestTopics.Limits;
import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.bean.SyncedTopicInjectionException;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.mock.http.MockHttpInputMessage;
import org.springframework.mock.http.MockHttpOutputMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an application sees at the injection point and in its JSON: the protocol's types
 * in their wire forms, the synced bean as its current value, and a start-up failure
 * rather than a bean that silently never changes.
 */
class SyncedTopicInjectionPointTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void bootsJsonMapperWritesRevisionAndPublishResultInTheProtocolsForms() {
		this.runner.run((context) -> {
			JsonMapper mapper = context.getBean(JsonMapper.class);
			assertThat(mapper.writeValueAsString(Revision.of(123))).isEqualTo("\"123\"");
			assertThat(mapper.writeValueAsString(new PublishResult(true, Revision.of(123))))
				.isEqualTo("{\"published\":true,\"revision\":\"123\"}");
			assertThat(mapper.readValue("{\"published\":false,\"revision\":\"18446744073709551615\"}",
					PublishResult.class))
				.isEqualTo(new PublishResult(false, Revision.MAX));
		});
	}

	@Test
	void publishResultRoundTripsThroughTheMessageConverterAControllerUses() throws Exception {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class).run((context) -> {
			PublishResult result = context.getBean(StatePublisher.class)
				.publishIfCurrent("settings", Revision.ZERO, Map.of("theme", "dark"));
			JacksonJsonHttpMessageConverter converter = new JacksonJsonHttpMessageConverter(
					context.getBean(JsonMapper.class));
			MockHttpOutputMessage response = new MockHttpOutputMessage();
			converter.write(result, MediaType.APPLICATION_JSON, response);
			assertThat(result.published()).isTrue();
			assertThat(response.getBodyAsString())
				.isEqualTo("{\"published\":true,\"revision\":\"" + result.revision() + "\"}");
			assertThat(converter.read(PublishResult.class, new MockHttpInputMessage(response.getBodyAsBytes())))
				.isEqualTo(result);
		});
	}

	@Test
	void injectedBeanWritesAsItsCurrentValueNotAsTheProxy() {
		this.runner.withUserConfiguration(TestTopics.SettingsConfiguration.class).run((context) -> {
			JsonMapper mapper = context.getBean(JsonMapper.class);
			Settings injected = context.getBean(Settings.class);
			assertThat(AopUtils.isAopProxy(injected)).isTrue();
			publishRemotely(context, "settings", Map.of("theme", "dark", "maxUploadMb", 25));
			Object current = context.getBean(SyncedTopicRegistry.class).value("settings").get();
			String json = mapper.writeValueAsString(injected);
			assertThat(json).isEqualTo(mapper.writeValueAsString(current))
				.contains("\"theme\":\"dark\"", "\"maxUploadMb\":25")
				.doesNotContain("advisor", "targetSource");
			assertThat(mapper.writeValueAsString(new Holder(injected))).isEqualTo("{\"settings\":" + json + "}");
			MockHttpOutputMessage response = new MockHttpOutputMessage();
			new JacksonJsonHttpMessageConverter(mapper).write(injected, MediaType.APPLICATION_JSON, response);
			assertThat(response.getBodyAsString()).isEqualTo(json);
		});
	}

	@Test
	void recordInjectedDirectlyFailsStartNamingTheInjectionPointAndTheFix() {
		this.runner.withUserConfiguration(TestTopics.LimitsConfiguration.class, LimitsReader.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(SyncedTopicInjectionException.class);
			FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("@SyncedTopic bean 'limits'", Limits.class.getName(),
					"a record cannot be proxied", "keep its first value forever",
					"constructor parameter 'limits' of bean", LimitsReader.class.getName());
			assertThat(analysis.getAction()).contains("Inject SyncedValue<Limits>", "@Qualifier(\"limits\")");
		});
	}

	@Test
	void recordPassedToABeanMethodOrAnAutowiredMethodFailsStartToo() {
		this.runner.withUserConfiguration(TestTopics.LimitsConfiguration.class, LimitsUserConfiguration.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains(
						"parameter 'limits' of @Bean method LimitsUserConfiguration.limitsUser() (bean 'limitsUser')",
						"parameter 'limits' of method setLimits() of bean 'limitsSetter'");
			});
	}

	@Test
	void recordReadThroughSyncedValueStarts() {
		this.runner.withUserConfiguration(TestTopics.LimitsConfiguration.class, SyncedLimitsReader.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				publishRemotely(context, "limits", Map.of("rate", 50));
				assertThat(context.getBean(SyncedLimitsReader.class).limits.get()).isEqualTo(new Limits(50, 20));
			});
	}

	@Test
	void unknownTopicTypeFailsWithThePropertyTheReasonAndTheFix() {
		this.runner.withPropertyValues("statesync.topics.flags.type=com.example.Missing").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(InvalidStateSyncConfigurationException.class)
				.hasMessage("Invalid statesync configuration: statesync.topics.flags.type=com.example.Missing: "
						+ "no class of that name is on the application's class path. Set it to the fully qualified "
						+ "name of the topic's data class, for example com.example.Flags (a nested class as "
						+ "com.example.Outer$Flags or com.example.Outer.Flags), or remove it to sync the topic as a "
						+ "JSON tree into SyncedValue<JsonNode>");
			FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: statesync.topics.flags.type",
					"Value: com.example.Missing", "Reason: no class of that name");
			assertThat(analysis.getAction()).contains("statesync.topics.flags.type");
		});
		this.runner.withPropertyValues("statesync.topics[eu.prices].type=nope").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(InvalidStateSyncConfigurationException.class)
				.hasMessageStartingWith("Invalid statesync configuration: statesync.topics[eu.prices].type=nope: ");
		});
	}

	@Test
	void nestedTopicTypeMayBeWrittenWithADot() {
		this.runner.withPropertyValues("statesync.topics.limits.type=" + Limits.class.getCanonicalName())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("statesync.syncedValue.limits", SyncedValue.class)).isNotNull();
			});
	}

	/**
	 * Publish through the transport, as another node would, and wait for the apply.
	 */
	private static Revision publishRemotely(AssertableApplicationContext context, String topic, Object data) {
		SyncHandle<JsonNode> handle = context.getBean(SyncedTopicRegistry.class).handle(topic);
		Revision revision = context.getBean(StateSyncTransport.class).publisher().publish(topic, data);
		await().atMost(Duration.ofSeconds(5)).until(() -> !revision.isNewerThan(handle.localRevision()));
		return revision;
	}

	record Holder(Settings settings) {

	}

	static class LimitsReader {

		final Limits limits;

		LimitsReader(Limits limits) {
			this.limits = limits;
		}

	}

	static class SyncedLimitsReader {

		final SyncedValue<Limits> limits;

		SyncedLimitsReader(@Qualifier("limits") SyncedValue<Limits> limits) {
			this.limits = limits;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LimitsUserConfiguration {

		@Bean
		Object limitsUser(Limits limits) {
			return limits.rate();
		}

		@Bean
		LimitsSetter limitsSetter() {
			return new LimitsSetter();
		}

	}

	static class LimitsSetter {

		@Autowired
		void setLimits(Limits limits) {
		}

	}

}
