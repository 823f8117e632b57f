package io.github.statesync.boot.test.greeting;

import io.github.statesync.boot.test.AutoConfigureStateSync;
import io.github.statesync.boot.test.StateSyncFixture;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A context of just the beans under test, without the application's auto-configuration:
 * {@code @AutoConfigureStateSync} brings statesync itself.
 */
@SpringBootTest(classes = { Greeting.class, Greeter.class })
@AutoConfigureStateSync
class GreeterTests {

	@Autowired
	StateSyncFixture statesync;

	@Autowired
	Greeter greeter;

	@Test
	void greetsWithThePublishedGreetingInAContextOfItsOwnBeans() {
		this.statesync.publish("greeting", new Greeting("Ciao", 1));

		assertThat(this.greeter.greet("Ada")).isEqualTo("Ciao, Ada!");
	}

}
