package io.github.statesync.boot.test.greeting;

import io.github.statesync.boot.autoconfigure.StateSyncProperties.Transport;
import io.github.statesync.boot.test.AutoConfigureStateSync;
import io.github.statesync.boot.test.StateSyncFixture;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.test.redis.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @AutoConfigureStateSync(transport = REDIS)}: the application keeps its Redis
 * transport (here a Redis started for the test) and the fixture publishes through it.
 */
@SpringBootTest
@AutoConfigureStateSync(transport = Transport.REDIS)
@DirtiesContext
class GreetingApplicationOnRedisTests {

	@RegisterExtension
	static final RedisServerExtension redis = new RedisServerExtension();

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.port", () -> redis.server().port());
	}

	@Autowired
	StateSyncFixture statesync;

	@Autowired
	Greeter greeter;

	@Test
	void theFixturePublishesThroughRedisWhenTheTestKeepsTheRedisTransport() {
		Revision revision = this.statesync.publish("greeting", new Greeting("Hej", 1));

		assertThat(this.greeter.greet("Ada")).isEqualTo("Hej, Ada!");
		assertThat(redis.server().command("GET", "statesync:{greeting}:revision")).isEqualTo(revision.toString());
	}

}
