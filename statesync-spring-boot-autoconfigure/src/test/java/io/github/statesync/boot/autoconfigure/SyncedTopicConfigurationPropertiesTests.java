package io.github.statesync.boot.autoconfigure;

import java.util.Map;

import io.github.statesync.boot.ApplyMode;
import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.SyncedValue;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import jakarta.validation.constraints.Max;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bean that is both {@code @ConfigurationProperties} and {@code @SyncedTopic}: the
 * application's properties are its defaults until the first snapshot, and a snapshot
 * changes it where the properties (bound once, at start-up) cannot.
 */
class SyncedTopicConfigurationPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class, JacksonAutoConfiguration.class,
				ValidationAutoConfiguration.class))
		.withPropertyValues("statesync.transport=local", "app.limits.theme=dark", "app.limits.max-upload-mb=25");

	@Test
	void applicationPropertiesAreTheDefaultsUntilTheFirstSnapshot() {
		this.runner.withUserConfiguration(ClassLimitsConfiguration.class).run((context) -> {
			Limits limits = context.getBean(Limits.class);
			assertThat(limits.getTheme()).isEqualTo("dark");
			assertThat(limits.getMaxUploadMb()).isEqualTo(25);
			assertThat(context.getBean(LimitsReader.class).theme()).isEqualTo("dark");
		});
	}

	@Test
	void aSnapshotChangesWhatItCarriesAndKeepsThePropertiesForTheRest() {
		this.runner.withUserConfiguration(ClassLimitsConfiguration.class).run((context) -> {
			context.getBean(StatePublisher.class).publish("limits", Map.of("maxUploadMb", 50));

			Limits limits = context.getBean(Limits.class);
			assertThat(limits.getMaxUploadMb()).isEqualTo(50);
			assertThat(limits.getTheme()).isEqualTo("dark");
			assertThat(context.getBean(LimitsReader.class).theme()).isEqualTo("dark");
		});
	}

	@Test
	void inReplaceModeTheSnapshotIsTheWholeStateOnTopOfTheProperties() {
		this.runner.withUserConfiguration(ReplaceLimitsConfiguration.class).run((context) -> {
			context.getBean(StatePublisher.class).publish("limits", Map.of("theme", "light"));

			ReplaceLimits limits = context.getBean(ReplaceLimits.class);
			assertThat(limits.getTheme()).isEqualTo("light");
			assertThat(limits.getMaxUploadMb()).isEqualTo(25);
		});
	}

	@Test
	void aRecordBoundFromPropertiesStartsOnThemAndFollowsTheTopic() {
		this.runner.withUserConfiguration(RecordLimitsConfiguration.class).run((context) -> {
			SyncedValue<RecordLimits> limits = syncedValue(
					context.getBeanProvider(ResolvableType.forClassWithGenerics(SyncedValue.class, RecordLimits.class))
						.getObject());
			assertThat(limits.get()).isEqualTo(new RecordLimits("dark", 25));
			assertThat(limits.revision()).isEqualTo(Revision.ZERO);

			context.getBean(StatePublisher.class).publish("record-limits", Map.of("maxUploadMb", 50));

			assertThat(limits.get()).isEqualTo(new RecordLimits("dark", 50));
		});
	}

	@Test
	void aValueInjectedFromThePropertiesStaysAsItWasBound() {
		this.runner.withUserConfiguration(ClassLimitsConfiguration.class).run((context) -> {
			context.getBean(StatePublisher.class).publish("limits", Map.of("theme", "light"));

			assertThat(context.getBean(Limits.class).getTheme()).isEqualTo("light");
			assertThat(context.getBean(LimitsReader.class).theme()).isEqualTo("dark");
		});
	}

	@SuppressWarnings("unchecked")
	private static <T> SyncedValue<T> syncedValue(Object bean) {
		return (SyncedValue<T>) bean;
	}

	@ConfigurationProperties("app.limits")
	@SyncedTopic("limits")
	public static class Limits {

		private String theme = "light";

		@Max(1024)
		private int maxUploadMb = 10;

		public String getTheme() {
			return this.theme;
		}

		public void setTheme(String theme) {
			this.theme = theme;
		}

		public int getMaxUploadMb() {
			return this.maxUploadMb;
		}

		public void setMaxUploadMb(int maxUploadMb) {
			this.maxUploadMb = maxUploadMb;
		}

	}

	@ConfigurationProperties("app.limits")
	@SyncedTopic(topic = "limits", mode = ApplyMode.REPLACE)
	public static class ReplaceLimits extends Limits {

	}

	@ConfigurationProperties("app.limits")
	@SyncedTopic("record-limits")
	public record RecordLimits(String theme, int maxUploadMb) {

	}

	static class LimitsReader {

		private final String theme;

		LimitsReader(String theme) {
			this.theme = theme;
		}

		String theme() {
			return this.theme;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(Limits.class)
	static class ClassLimitsConfiguration {

		@Bean
		LimitsReader limitsReader(@Value("${app.limits.theme}") String theme) {
			return new LimitsReader(theme);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ReplaceLimits.class)
	static class ReplaceLimitsConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RecordLimits.class)
	static class RecordLimitsConfiguration {

	}

}
