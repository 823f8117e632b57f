package io.github.statesync.boot.test.greeting;

import io.github.statesync.boot.test.AutoConfigureStateSync;
import io.github.statesync.boot.test.StateSyncFixture;
import io.github.statesync.core.protocol.Revision;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@SpringBootTest
@AutoConfigureStateSync
class GreetingTests {

	@Autowired
	StateSyncFixture statesync;

	@Autowired
	Greeter greeter;

	@Test
	void greetsWithThePublishedGreeting() {
		this.statesync.publish("greeting", new Greeting("Hi", 2));

		assertThat(this.greeter.greet("Ada")).isEqualTo("Hi, Ada!!");
		assertThat(this.statesync.current("greeting", Greeting.class)).extracting(Greeting::getText).isEqualTo("Hi");
	}

	@Test
	void keepsTheLastGoodGreetingWhenAnInvalidOneIsPublished() {
		Revision good = this.statesync.publishJson("greeting", "{\"text\":\"Hey\",\"exclamations\":1}");

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.statesync.publishJson("greeting", "{\"text\":\"\",\"exclamations\":1}"))
			.withMessageContaining("refused");
		assertThat(this.greeter.greet("Ada")).isEqualTo("Hey, Ada!");
		assertThat(this.statesync.revision("greeting")).isEqualTo(good);
	}

}
