package io.github.statesync.boot.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.topic.TopicSettingsResolver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A topic declared without settings in YAML ({@code pricing: {}}) keeps the settings
 * other property sources give it.
 */
class EmptyTopicDeclarationsTests {

	private static final String EMPTY_PRICING = """
			statesync:
			  topics:
			    pricing: {}
			""";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void springBootsBinderAloneLosesTheSettingsOfAnEmptyYamlTopic() {
		StandardEnvironment environment = environment(EMPTY_PRICING);
		StateSyncProperties properties = bind(environment);
		// why EmptyTopicDeclarations exists: should Boot bind this one day, it can go
		assertThat(properties.getTopics()).containsKey("pricing");
		assertThat(properties.getTopics().get("pricing").getUrl()).isNull();
		EmptyTopicDeclarations.rebind(properties, environment);
		assertThat(properties.getTopics().get("pricing").getUrl()).isEqualTo(URI.create("http://pricing:8080"));
	}

	@Test
	void topicWithSettingsInYamlIsLeftAsBound() {
		StandardEnvironment environment = environment("""
				statesync:
				  topics:
				    pricing: { required: false }
				""");
		StateSyncProperties properties = bind(environment);
		assertThat(properties.getTopics().get("pricing").getUrl()).isEqualTo(URI.create("http://pricing:8080"));
		StateSyncProperties.Topic bound = properties.getTopics().get("pricing");
		EmptyTopicDeclarations.rebind(properties, environment);
		assertThat(properties.getTopics().get("pricing")).isSameAs(bound);
	}

	@Test
	void emptyYamlTopicStillFailsStartOnABadSettingFromTheCommandLine() {
		this.runner
			.withInitializer((context) -> context.getEnvironment().getPropertySources().addLast(yaml(EMPTY_PRICING)))
			.withPropertyValues("statesync.topics.pricing.url=ftp://owner")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: statesync.topics.pricing.url");
			});
	}

	@Test
	void emptyYamlTopicIsDeclaredWithTheDefaults() {
		this.runner
			.withInitializer((context) -> context.getEnvironment().getPropertySources().addLast(yaml(EMPTY_PRICING)))
			.withPropertyValues("statesync.topics.pricing.max-payload-size=2KB")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("statesync.syncedValue.pricing", SyncedValue.class)).isNotNull();
				assertThat(context.getBean(TopicSettingsResolver.class).resolve("pricing", null).maxPayloadBytes())
					.isEqualTo(2048);
			});
	}

	private static StandardEnvironment environment(String yaml) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addLast(yaml(yaml));
		environment.getPropertySources()
			.addFirst(new MapPropertySource("commandLineArgs",
					Map.of("statesync.topics.pricing.url", "http://pricing:8080")));
		return environment;
	}

	private static PropertySource<?> yaml(String yaml) {
		try {
			return new YamlPropertySourceLoader()
				.load("application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
				.get(0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static StateSyncProperties bind(StandardEnvironment environment) {
		StateSyncProperties properties = new StateSyncProperties();
		new Binder(ConfigurationPropertySources.get(environment)).bind("statesync", Bindable.ofInstance(properties));
		return properties;
	}

}
