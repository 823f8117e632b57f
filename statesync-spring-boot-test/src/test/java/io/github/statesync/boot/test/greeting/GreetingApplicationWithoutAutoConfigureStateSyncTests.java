package io.github.statesync.boot.test.greeting;

import io.github.statesync.boot.test.StateSyncFixture;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.publish.StatePublisher;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The control of {@link GreetingApplicationTests}: the same application without
 * {@code @AutoConfigureStateSync} publishes to the Redis it is configured for, which is
 * not running, and has no fixture.
 */
class GreetingApplicationWithoutAutoConfigureStateSyncTests {

	@Test
	void withoutTheAnnotationTheApplicationPublishesToRedisAndHasNoFixture() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(GreetingApplication.class)
			.web(WebApplicationType.NONE)
			.run()) {
			assertThat(context.getBeanProvider(StateSyncFixture.class).getIfAvailable()).isNull();
			StatePublisher publisher = context.getBean(StatePublisher.class);
			assertThatExceptionOfType(PublishException.class)
				.isThrownBy(() -> publisher.publish("greeting", new Greeting("Hi", 1)));
		}
	}

}
