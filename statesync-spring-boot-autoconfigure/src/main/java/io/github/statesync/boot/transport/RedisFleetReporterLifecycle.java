package io.github.statesync.boot.transport;

import io.github.statesync.boot.sync.StateSyncLifecycle;
import io.github.statesync.redis.RedisFleetReporter;

import org.springframework.context.SmartLifecycle;

/**
 * Starts and stops a {@link RedisFleetReporter} with the topics (phase
 * {@link StateSyncLifecycle#PHASE}), so that the node's report is deleted on shutdown
 * while its Redis connections still work (the connection factory stops in a later phase).
 *
 * @author statesync
 * @since 0.2.0
 */
public final class RedisFleetReporterLifecycle implements SmartLifecycle {

	private final RedisFleetReporter reporter;

	private volatile boolean running;

	/**
	 * Create the lifecycle.
	 * @param reporter the reporter it starts and stops
	 */
	public RedisFleetReporterLifecycle(RedisFleetReporter reporter) {
		this.reporter = reporter;
	}

	@Override
	public void start() {
		this.reporter.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.reporter.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return StateSyncLifecycle.PHASE;
	}

}
