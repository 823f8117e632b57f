package io.github.statesync.benchmarks.reader;

import java.util.function.Consumer;

import io.github.statesync.boot.StateSyncAppliedEvent;

import org.springframework.context.ApplicationListener;

/**
 * Hands every {@link StateSyncAppliedEvent} of a reader to the benchmark, on the thread
 * that applied the snapshot: the instant a reader holds a revision is taken from the
 * event, with no polling.
 *
 * @author statesync
 */
final class AppliedListener implements ApplicationListener<StateSyncAppliedEvent> {

	private final Consumer<StateSyncAppliedEvent> consumer;

	AppliedListener(Consumer<StateSyncAppliedEvent> consumer) {
		this.consumer = consumer;
	}

	@Override
	public void onApplicationEvent(StateSyncAppliedEvent event) {
		this.consumer.accept(event);
	}

}
