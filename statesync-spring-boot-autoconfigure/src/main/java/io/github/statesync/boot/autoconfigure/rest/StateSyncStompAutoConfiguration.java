package io.github.statesync.boot.autoconfigure.rest;

import io.github.statesync.boot.autoconfigure.StateSyncAutoConfiguration;
import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.boot.stomp.StompInvalidationRelay;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.web.ServedTopics;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.simp.SimpMessagingTemplate;

/**
 * Auto-configuration of the STOMP relay: when the application has a STOMP broker (a
 * {@link SimpMessagingTemplate} bean, as {@code @EnableWebSocketMessageBroker} defines)
 * and serves topics over HTTP ({@code statesync.rest.enabled=true}), each revision
 * applied of a served topic is also sent to {@code /topic/statesync.<topic>}. Off with
 * {@code statesync.rest.stomp.enabled=false}.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(after = StateSyncAutoConfiguration.class,
		afterName = "org.springframework.boot.websocket.autoconfigure.servlet.WebSocketMessagingAutoConfiguration")
@ConditionalOnClass(SimpMessagingTemplate.class)
@ConditionalOnBean({ SimpMessagingTemplate.class, SyncedTopicRegistry.class })
@ConditionalOnBooleanProperty(name = "statesync.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty("statesync.rest.enabled")
@ConditionalOnBooleanProperty(name = "statesync.rest.stomp.enabled", matchIfMissing = true)
@EnableConfigurationProperties(StateSyncProperties.class)
public final class StateSyncStompAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StompInvalidationRelay stateSyncStompRelay(SimpMessagingTemplate messaging, SyncedTopicRegistry registry,
			StateSyncProperties properties) {
		return new StompInvalidationRelay(messaging, new ServedTopics(registry, properties.getRest().getTopics()));
	}

}
