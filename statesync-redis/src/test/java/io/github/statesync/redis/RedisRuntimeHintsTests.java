package io.github.statesync.redis;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

class RedisRuntimeHintsTests {

	@Test
	void keepsTheWriteScriptThatTheSnapshotStoreLoads() {
		RuntimeHints hints = new RuntimeHints();
		new RedisRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(new ClassPathResource(RedisSnapshotStore.PUBLISH_SCRIPT_LOCATION).exists()).isTrue();
		assertThat(RuntimeHintsPredicates.resource().forResource(RedisSnapshotStore.PUBLISH_SCRIPT_LOCATION))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("io/github/statesync/redis/other.lua")).rejects(hints);
	}

	@Test
	void isRegisteredForAotProcessing() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(RedisRuntimeHints.class);
	}

}
