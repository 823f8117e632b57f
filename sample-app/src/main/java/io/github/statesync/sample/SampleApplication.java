package io.github.statesync.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A web app whose {@link Settings} stay in sync across every running instance: {@code PUT
 * /settings} on one, {@code GET /settings} on any. Run several with different
 * {@code --server.port}s against the same Redis.
 *
 * @author statesync
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.addListeners(new LocalRedisFallback());
		application.run(args);
	}

}
