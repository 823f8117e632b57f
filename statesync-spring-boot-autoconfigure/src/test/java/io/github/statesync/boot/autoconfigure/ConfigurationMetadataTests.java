package io.github.statesync.boot.autoconfigure;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata the build generates, as IDEs show it.
 */
class ConfigurationMetadataTests {

	/**
	 * The main classes' metadata: read as a file, since the test classes' own
	 * {@code @ConfigurationProperties} generate a metadata file of their own that comes
	 * first on the test classpath.
	 */
	private static final Path METADATA = Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json");

	/**
	 * Settings that are off when unset (no debounce, no throttle, no polling, no URL, a
	 * JSON tree, no authentication): no value stands for their default.
	 */
	private static final Set<String> OFF_WHEN_UNSET = Set.of("statesync.defaults.debounce",
			"statesync.defaults.throttle", "statesync.defaults.poll-interval", "statesync.defaults.url",
			"statesync.defaults.type", "statesync.defaults.auth.username", "statesync.defaults.auth.password",
			"statesync.defaults.auth.bearer-token");

	@Test
	void everyDefaultsPropertyHasItsDefaultValueAndTheHealthSwitchIsDescribed() throws Exception {
		JsonNode metadata;
		try (InputStream in = Files.newInputStream(METADATA)) {
			metadata = JsonMapper.builder().build().readTree(in);
		}
		List<String> withoutDefault = new ArrayList<>();
		List<String> defaults = new ArrayList<>();
		JsonNode health = null;
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			if (name.startsWith("statesync.defaults.")) {
				defaults.add(name);
				if (!property.has("defaultValue") && !OFF_WHEN_UNSET.contains(name)) {
					withoutDefault.add(name);
				}
			}
			if (name.equals("management.health.statesync.enabled")) {
				health = property;
			}
		}
		assertThat(defaults).contains("statesync.defaults.fetch-timeout", "statesync.defaults.retry.max-attempts",
				"statesync.defaults.auth.bearer-token");
		assertThat(withoutDefault).isEmpty();
		assertThat(health).isNotNull();
		assertThat(health.get("type").asString()).isEqualTo("java.lang.Boolean");
		assertThat(health.get("defaultValue").asBoolean()).isTrue();
		assertThat(health.get("description").asString()).isNotBlank();
	}

}
