package io.github.statesync.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.statesync.boot.autoconfigure.StateSyncProperties.Transport;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * Runs statesync in a Spring Boot test on the in-JVM transport
 * ({@code statesync.transport=local}, whatever the application's configuration says), so
 * the test needs no Redis, and adds a {@link StateSyncFixture} bean to publish snapshots,
 * wait until they are applied and read what every
 * {@link io.github.statesync.boot.SyncedTopic @SyncedTopic} holds. <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureStateSync
 * class GreetingTests {
 *
 *     &#64;Autowired
 *     StateSyncFixture statesync;
 *
 *     &#64;Test
 *     void greetsWithThePublishedText() {
 *         statesync.publish("greeting", new Greeting("Hello"));
 *         ...
 *     }
 * }
 * </pre> It imports statesync's auto-configuration as well, so it also serves a context
 * of just the beans under test or a test slice. The application context is cached and
 * shared by every test class with the same configuration, and so is the state of its
 * topics: let each test publish the state it relies on.
 *
 * @author statesync
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@PropertyMapping("statesync")
public @interface AutoConfigureStateSync {

	/**
	 * The transport the test runs on. {@link Transport#REDIS} keeps the Redis transport
	 * (for a test that starts a Redis of its own) while still adding the
	 * {@link StateSyncFixture}.
	 * @return the transport, {@link Transport#LOCAL} by default
	 */
	Transport transport() default Transport.LOCAL;

}
