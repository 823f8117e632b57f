package com.example.demo;

import java.util.HashMap;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

public record Settings(@NotBlank String theme, @Min(1) @Max(10240) int maxUploadMb,
		@NotNull Map<String, Boolean> features) {

	public Settings withFeature(String feature, boolean enabled) {
		Map<String, Boolean> features = new HashMap<>(this.features);
		features.put(feature, enabled);
		return new Settings(this.theme, this.maxUploadMb, features);
	}

}
