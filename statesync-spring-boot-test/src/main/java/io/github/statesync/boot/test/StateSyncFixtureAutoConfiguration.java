package io.github.statesync.boot.test;

import io.github.statesync.boot.autoconfigure.StateSyncAutoConfiguration;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link StateSyncFixture}, imported by
 * {@link AutoConfigureStateSync @AutoConfigureStateSync} only.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(after = StateSyncAutoConfiguration.class)
@ConditionalOnBean({ StateSyncTransport.class, SyncedTopicRegistry.class })
public final class StateSyncFixtureAutoConfiguration {

	@Bean
	RefusedSnapshots stateSyncFixtureRefusals() {
		return new RefusedSnapshots();
	}

	@Bean
	StateSyncFixture stateSyncFixture(StateSyncTransport transport, SyncedTopicRegistry registry,
			ObjectProvider<JsonMapper> jsonMapper, RefusedSnapshots refusals) {
		return new StateSyncFixture(transport, registry, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				refusals, StateSyncFixture.DEFAULT_TIMEOUT);
	}

}
