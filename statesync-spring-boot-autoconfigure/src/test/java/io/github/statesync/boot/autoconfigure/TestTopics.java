package io.github.statesync.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.statesync.boot.ApplyMode;
import io.github.statesync.boot.SyncedTopic;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Beans the auto-configuration tests sync.
 */
final class TestTopics {

	private TestTopics() {
	}

	@SyncedTopic("settings")
	public static class Settings {

		@NotBlank
		private String theme = "light";

		@Max(1000)
		private int maxUploadMb = 10;

		private Map<String, Boolean> features = new LinkedHashMap<>();

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

		public Map<String, Boolean> getFeatures() {
			return this.features;
		}

		public void setFeatures(Map<String, Boolean> features) {
			this.features = features;
		}

	}

	/** Two fields that every published snapshot keeps equal. */
	public static class Pair {

		private long left;

		private long right;

		public long getLeft() {
			return this.left;
		}

		public void setLeft(long left) {
			this.left = left;
		}

		public long getRight() {
			return this.right;
		}

		public void setRight(long right) {
			this.right = right;
		}

		public boolean isConsistent() {
			return this.left == this.right;
		}

	}

	public record Limits(int rate, int burst) {

	}

	@Configuration(proxyBeanMethods = false)
	static class SettingsConfiguration {

		@Bean
		Settings settings() {
			return new Settings();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReplaceConfiguration {

		@Bean
		@SyncedTopic(topic = "settings", mode = ApplyMode.REPLACE)
		Settings replacedSettings() {
			Settings settings = new Settings();
			settings.setTheme("default-theme");
			return settings;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PickOmitConfiguration {

		@Bean
		@SyncedTopic(topic = "settings", pickKeys = { "theme", "maxUploadMb" }, omitKeys = "maxUploadMb")
		Settings pickedSettings() {
			return new Settings();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PairConfiguration {

		@Bean
		@SyncedTopic("pair")
		Pair pair() {
			return new Pair();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LimitsConfiguration {

		@Bean
		@SyncedTopic("limits")
		Limits limits() {
			return new Limits(10, 20);
		}

	}

}
