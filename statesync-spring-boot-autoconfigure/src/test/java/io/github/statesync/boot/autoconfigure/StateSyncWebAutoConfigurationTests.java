package io.github.statesync.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.statesync.boot.autoconfigure.rest.StateSyncRestAutoConfiguration;
import io.github.statesync.boot.autoconfigure.rest.StateSyncStompAutoConfiguration;
import io.github.statesync.boot.stomp.StompInvalidationRelay;
import io.github.statesync.boot.web.InvalidationStreams;
import io.github.statesync.boot.web.ServedTopics;
import io.github.statesync.boot.web.TopicReadAuthorizer;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser-facing parts of {@link StateSyncRestAutoConfiguration} and
 * {@link StateSyncStompAutoConfiguration}: the event stream, CORS, the read authorizer
 * and the STOMP relay, each with its conditions.
 */
class StateSyncWebAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class, StateSyncRestAutoConfiguration.class,
				StateSyncStompAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class)
		.withPropertyValues("statesync.transport=local");

	@Test
	void servesTheStreamBesideTheSnapshotEndpointWithAnAuthorizerThatAllowsAndNoCors() {
		this.runner.withPropertyValues("statesync.rest.enabled=true", "statesync.rest.topics=settings")
			.run((context) -> {
				assertThat(context).hasSingleBean(InvalidationStreams.class)
					.hasSingleBean(ServedTopics.class)
					.hasSingleBean(TopicReadAuthorizer.class)
					.doesNotHaveBean("stateSyncCorsFilter")
					.doesNotHaveBean(StompInvalidationRelay.class);
				assertThat(context.getBean(TopicReadAuthorizer.class)
					.canRead("settings", null, new org.springframework.http.HttpHeaders())).isTrue();
				assertThat(context.getBean(ServedTopics.class).isServed("settings")).isTrue();
				assertThat(context.getBean(ServedTopics.class).isServed("other")).isFalse();
			});
	}

	@Test
	void servesNothingUntilRestIsEnabled() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(InvalidationStreams.class)
			.doesNotHaveBean(ServedTopics.class)
			.doesNotHaveBean(TopicReadAuthorizer.class));
	}

	@Test
	void streamCanBeSwitchedOffLeavingTheSnapshotEndpoint() {
		this.runner
			.withPropertyValues("statesync.rest.enabled=true", "statesync.rest.topics=settings",
					"statesync.rest.stream.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(InvalidationStreams.class)
				.hasBean("stateSyncTopicRoutes"));
	}

	@Test
	void noStreamOutsideAServletApplication() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(StateSyncAutoConfiguration.class, StateSyncRestAutoConfiguration.class))
			.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.transport=local", "statesync.rest.enabled=true",
					"statesync.rest.topics=settings")
			.run((context) -> assertThat(context).doesNotHaveBean(InvalidationStreams.class));
	}

	@Test
	void reactiveApplicationsGetTheReactiveRoutesAndACorsWebFilter() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(StateSyncAutoConfiguration.class, StateSyncRestAutoConfiguration.class))
			.withUserConfiguration(TestTopics.SettingsConfiguration.class)
			.withPropertyValues("statesync.transport=local", "statesync.rest.enabled=true",
					"statesync.rest.topics=settings", "statesync.rest.cors.allowed-origins=https://app.example")
			.run((context) -> assertThat(context).hasSingleBean(InvalidationStreams.class)
				.hasBean("stateSyncReactiveTopicRoutes")
				.hasBean("stateSyncReactiveEventRoutes")
				.hasBean("stateSyncCorsWebFilter")
				.doesNotHaveBean("stateSyncTopicRoutes")
				.doesNotHaveBean("stateSyncEventRoutes")
				.doesNotHaveBean("stateSyncCorsFilter"));
	}

	@Test
	void corsFilterOnlyOnceOriginsAreListed() {
		this.runner
			.withPropertyValues("statesync.rest.enabled=true", "statesync.rest.topics=settings",
					"statesync.rest.cors.allowed-origin-patterns=https://*.example")
			.run((context) -> {
				FilterRegistrationBean<?> cors = context.getBean("stateSyncCorsFilter", FilterRegistrationBean.class);
				assertThat(cors.getUrlPatterns()).containsExactly("/statesync/topics/*", "/statesync/events");
				assertThat(cors.getOrder()).isLessThan(-100);
			});
	}

	@Test
	void aUserAuthorizerReplacesTheDefault() {
		this.runner.withPropertyValues("statesync.rest.enabled=true", "statesync.rest.topics=settings")
			.withBean(TopicReadAuthorizer.class, () -> (topic, principal, headers) -> principal != null)
			.run((context) -> assertThat(context.getBean(TopicReadAuthorizer.class)
				.canRead("settings", null, new org.springframework.http.HttpHeaders())).isFalse());
	}

	@Test
	void relaysAppliedRevisionsOfServedTopicsToTheStompBroker() throws Exception {
		this.runner.withUserConfiguration(BrokerConfiguration.class)
			.withPropertyValues("statesync.rest.enabled=true", "statesync.rest.topics=settings",
					"statesync.topics.flags.provider=store")
			.run((context) -> {
				assertThat(context).hasSingleBean(StompInvalidationRelay.class);
				BlockingQueue<Message<?>> received = new LinkedBlockingQueue<>();
				// a STOMP client's session, as the WebSocket handler would pass it on
				context.getBean("clientOutboundChannel", SubscribableChannel.class).subscribe((message) -> {
					if (StompHeaderAccessor.wrap(message).getDestination() != null) {
						received.add(message);
					}
				});
				MessageChannel inbound = context.getBean("clientInboundChannel", MessageChannel.class);
				StompHeaderAccessor connect = StompHeaderAccessor.create(StompCommand.CONNECT);
				connect.setSessionId("session-1");
				inbound.send(MessageBuilder.createMessage(new byte[0], connect.getMessageHeaders()));
				for (String topic : new String[] { "settings", "flags" }) {
					StompHeaderAccessor subscribe = StompHeaderAccessor.create(StompCommand.SUBSCRIBE);
					subscribe.setSessionId("session-1");
					subscribe.setSubscriptionId("sub-" + topic);
					subscribe.setDestination(StompInvalidationRelay.DESTINATION_PREFIX + topic);
					inbound.send(MessageBuilder.createMessage(new byte[0], subscribe.getMessageHeaders()));
				}
				StatePublisher publisher = context.getBean(StatePublisher.class);
				publisher.publish("flags", Map.of("beta", true));
				Revision revision = publisher.publish("settings", Map.of("theme", "dark"));
				Message<?> message = received.poll(10, TimeUnit.SECONDS);
				assertThat(message).isNotNull();
				StompHeaderAccessor headers = StompHeaderAccessor.wrap(message);
				assertThat(headers.getDestination()).isEqualTo("/topic/statesync.settings");
				assertThat(new String((byte[]) message.getPayload(), StandardCharsets.UTF_8))
					.isEqualTo("{\"topic\":\"settings\",\"revision\":\"" + revision + "\"}");
				// flags is followed but not served: never relayed
				assertThat(received.poll(500, TimeUnit.MILLISECONDS)).isNull();
			});
	}

	@Test
	void stompRelayCanBeSwitchedOff() {
		this.runner.withUserConfiguration(BrokerConfiguration.class)
			.withPropertyValues("statesync.rest.enabled=true", "statesync.rest.topics=settings",
					"statesync.rest.stomp.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(SimpMessagingTemplate.class)
				.doesNotHaveBean(StompInvalidationRelay.class));
	}

	@Test
	void noStompRelayWithoutSpringMessagingsTemplate() {
		this.runner.withClassLoader(new FilteredClassLoader(SimpMessagingTemplate.class))
			.withPropertyValues("statesync.rest.enabled=true", "statesync.rest.topics=settings")
			.run((context) -> assertThat(context).doesNotHaveBean(StompInvalidationRelay.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocketMessageBroker
	static class BrokerConfiguration implements WebSocketMessageBrokerConfigurer {

		@Override
		public void registerStompEndpoints(StompEndpointRegistry registry) {
			registry.addEndpoint("/ws");
		}

		@Override
		public void configureMessageBroker(MessageBrokerRegistry registry) {
			registry.enableSimpleBroker("/topic");
		}

	}

}
