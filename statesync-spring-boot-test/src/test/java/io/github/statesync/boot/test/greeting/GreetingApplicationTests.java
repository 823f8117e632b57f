package io.github.statesync.boot.test.greeting;

import java.time.Duration;

import io.github.statesync.boot.test.AutoConfigureStateSync;
import io.github.statesync.boot.test.StateSyncFixture;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.StatePublisher;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A user's test of {@link GreetingApplication}: its configuration asks for a Redis that
 * is not running, so every test here fails unless {@link AutoConfigureStateSync} switches
 * statesync to the in-JVM transport.
 */
@SpringBootTest
@AutoConfigureStateSync
class GreetingApplicationTests {

	@Autowired
	StateSyncFixture statesync;

	@Autowired
	Greeter greeter;

	@Test
	void greetsWithThePublishedGreeting() {
		this.statesync.publish("greeting", new Greeting("Hi", 2));

		assertThat(this.greeter.greet("Ada")).isEqualTo("Hi, Ada!!");
	}

	@Test
	void publishedJsonIsBoundIntoTheTopicsType() {
		Revision revision = this.statesync.publishJson("greeting", "{\"text\":\"Bonjour\",\"exclamations\":1}");

		assertThat(this.statesync.current("greeting", Greeting.class)).extracting(Greeting::getText)
			.isEqualTo("Bonjour");
		assertThat(this.statesync.revision("greeting")).isEqualTo(revision);
	}

	@Test
	void aGreetingTheApplicationRefusesFailsThePublishAndTheLastGoodOneStays() {
		Revision good = this.statesync.publish("greeting", new Greeting("Hey", 1));

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.statesync.publish("greeting", new Greeting(" ", 5)))
			.withMessageContaining("Topic 'greeting' refused revision")
			.withMessageContaining("keeps revision " + good);
		assertThat(this.greeter.greet("Ada")).isEqualTo("Hey, Ada!");
		assertThat(this.statesync.revision("greeting")).isEqualTo(good);
	}

	@Test
	void whatTheApplicationPublishesItselfIsWhatTheFixtureReads(@Autowired StatePublisher publisher) {
		Revision revision = publisher.publish("greeting", new Greeting("Salut", 3));

		this.statesync.awaitApplied("greeting", revision);
		assertThat(this.statesync.current("greeting", Greeting.class)).extracting(Greeting::getText).isEqualTo("Salut");
		assertThat(this.greeter.greet("Ada")).isEqualTo("Salut, Ada!!!");
	}

	@Test
	void aTopicTheApplicationDoesNotFollowIsNamedWithTheTopicsItFollows() {
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.statesync.current("pricing"))
			.withMessage("This application follows no topic 'pricing'; it follows [greeting]");
	}

	@Test
	void aRevisionNeverPublishedFailsTheWaitWithWhatTheTopicHolds() {
		Revision current = this.statesync.publish("greeting", new Greeting("Hallo", 1));
		Revision never = current.next().next();

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.statesync.withTimeout(Duration.ofMillis(200)).awaitApplied("greeting", never))
			.withMessageStartingWith("Topic 'greeting' did not apply revision " + never + " within PT0.2S; it holds "
					+ "revision " + current + ", status ");
	}

}
