package io.github.statesync.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.statesync.boot.SyncedTopic;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.stereotype.Component;

/**
 * The application's settings, synced across instances through the topic {@code settings}.
 * The values below are the defaults until the first snapshot arrives.
 *
 * @author statesync
 */
@Component
@SyncedTopic("settings")
public class Settings {

	@NotBlank
	private String theme = "light";

	@Min(1)
	@Max(10240)
	private int maxUploadMb = 10;

	@NotNull
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
