package io.github.statesync.redis;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What the Redis transport reads at run time that an AOT-processed application (a native
 * image above all) must be told to keep: the Lua script of every write, loaded as a class
 * path resource. Registered in {@code META-INF/spring/aot.factories}.
 *
 * @author statesync
 */
final class RedisRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(RedisSnapshotStore.PUBLISH_SCRIPT_LOCATION);
	}

}
