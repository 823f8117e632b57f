package io.github.statesync.benchmarks.scale;

import io.github.statesync.boot.sync.StateSyncLifecycle;

import org.springframework.context.SmartLifecycle;

/**
 * Notes the instant the lifecycle phase just before statesync's starts, so the scale
 * scenario can tell statesync's own start (subscribe and load every first snapshot) from
 * the rest of the context's.
 *
 * @author statesync
 */
public class StartMarker implements SmartLifecycle {

	private volatile long startedNanos;

	private volatile boolean running;

	@Override
	public void start() {
		this.startedNanos = System.nanoTime();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return StateSyncLifecycle.PHASE - 1;
	}

	/**
	 * Return when the phase before statesync's started.
	 * @return the {@link System#nanoTime()} instant
	 */
	long startedNanos() {
		return this.startedNanos;
	}

}
