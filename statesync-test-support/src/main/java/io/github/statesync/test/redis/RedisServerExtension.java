package io.github.statesync.test.redis;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link RedisServer} per test class and closes it after the class, whatever
 * the outcome. After each test the server is resumed or restarted if the test paused or
 * stopped it, and emptied, so tests do not leak faults or data into each other. Register
 * it as a static field:
 * {@code @RegisterExtension static final RedisServerExtension redis = new RedisServerExtension();}.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

	private @Nullable RedisServer server;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = RedisServer.start();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		RedisServer running = server();
		if (!running.isRunning()) {
			running.restart();
		}
		else {
			try {
				running.resume();
			}
			catch (IllegalStateException ex) {
				// was not paused
			}
		}
		running.command("FLUSHALL");
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

	/**
	 * Return the running server.
	 * @return the server
	 * @throws IllegalStateException outside a test class's lifetime
	 */
	public RedisServer server() {
		if (this.server == null) {
			throw new IllegalStateException("RedisServerExtension must be registered on a static field");
		}
		return this.server;
	}

}
