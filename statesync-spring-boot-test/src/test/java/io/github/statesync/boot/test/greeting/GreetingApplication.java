package io.github.statesync.boot.test.greeting;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application as a user writes one: a {@code @SyncedTopic} bean and a service that
 * reads it. Its configuration (src/test/resources) asks for the Redis transport on a port
 * where no Redis listens.
 */
@SpringBootApplication
public class GreetingApplication {

}
