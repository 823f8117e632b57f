package io.github.statesync.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.autoconfigure.TestTopics.Limits;
import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.InputStreamSource;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application context processed ahead of time, as {@code spring-boot:process-aot}
 * does: the {@code SyncedValue} beans are written as code, the proxy class of a
 * {@code @SyncedTopic} class is made at build time under the name the application then
 * uses, and the hints a native image needs are there. (The sample's end-to-end tests
 * start an application processed this way.)
 */
class StateSyncAotProcessingTests {

	private static final Map<String, Object> PROPERTIES = Map.of("statesync.topics.flags.type", Flags.class.getName());

	@Test
	void syncedValueBeansAreWrittenAsCodeAndTheirRegistrarDoesNotRunAgain() {
		DefaultGenerationContext generation = process(TestTopics.SettingsConfiguration.class);
		Map<String, InputStreamSource> sources = files(generation).getGeneratedFiles(Kind.SOURCE);
		String code = String.join("\n", sources.values().stream().map(StateSyncAotProcessingTests::read).toList());
		assertThat(code).contains("\"statesync.syncedValue.settings\"", "\"statesync.syncedValue.flags\"")
			.contains("ResolvableType.forClassWithGenerics(SyncedValue.class, StateSyncAotProcessingTests.Flags.class)")
			.doesNotContain("SyncedValueBeanRegistrar");
	}

	@Test
	void proxyClassOfASyncedTopicClassIsMadeAtBuildTimeUnderTheNameTheApplicationUses() {
		// a class no other test proxies: this JVM makes its proxy class once, here
		DefaultGenerationContext generation = process(FeaturesConfiguration.class);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withUserConfiguration(FeaturesConfiguration.class)
			.run((context) -> {
				String proxyClass = context.getBean(Features.class).getClass().getName();
				assertThat(proxyClass).isEqualTo(Features.class.getName() + "$$SpringCGLIB$$0");
				assertThat(files(generation).getGeneratedFiles(Kind.CLASS))
					.containsKey(proxyClass.replace('.', '/') + ".class");
				assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(proxyClass)))
					.accepts(generation.getRuntimeHints());
			});
	}

	@Test
	void topicTypesAreRegisteredForBindingAndTheWriteScriptAsAResource() {
		RuntimeHints hints = process(TestTopics.SettingsConfiguration.class).getRuntimeHints();
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Settings.class, "setTheme")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Settings.class, "getFeatures"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Flags.class, "setBeta")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(TestTopics.Pair.class)).rejects(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("io/github/statesync/redis/publish.lua"))
			.accepts(hints);
	}

	@Test
	void recordTopicIsRegisteredForBindingAndTheBeansInjectingItForTheInjectionCheck() {
		RuntimeHints hints = process(LimitsReaderConfiguration.class).getRuntimeHints();
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Limits.class, "rate")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(LimitsReader.class)).accepts(hints);
	}

	private static DefaultGenerationContext process(Class<?> configuration) {
		DefaultGenerationContext generation = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(StateSyncAotProcessingTests.class)), new InMemoryGeneratedFiles());
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", PROPERTIES));
			AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
			context.registerBean(StateSyncConfiguration.class);
			context.registerBean(configuration);
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
		}
		generation.writeGeneratedContent();
		return generation;
	}

	private static InMemoryGeneratedFiles files(DefaultGenerationContext generation) {
		return (InMemoryGeneratedFiles) generation.getGeneratedFiles();
	}

	private static String read(InputStreamSource source) {
		try (InputStream in = source.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ StateSyncAutoConfiguration.class, JacksonAutoConfiguration.class })
	static class StateSyncConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@Import({ TestTopics.LimitsConfiguration.class, LimitsReader.class })
	static class LimitsReaderConfiguration {

	}

	/**
	 * A topic's data class named by {@code statesync.topics.flags.type}, not a bean.
	 */
	public static class Flags {

		private boolean beta;

		public boolean isBeta() {
			return this.beta;
		}

		public void setBeta(boolean beta) {
			this.beta = beta;
		}

	}

	static class LimitsReader {

		final Limits limits;

		LimitsReader(Limits limits) {
			this.limits = limits;
		}

	}

	@SyncedTopic("features")
	public static class Features {

		private boolean beta;

		public boolean isBeta() {
			return this.beta;
		}

		public void setBeta(boolean beta) {
			this.beta = beta;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FeaturesConfiguration {

		@Bean
		Features features() {
			return new Features();
		}

	}

}
