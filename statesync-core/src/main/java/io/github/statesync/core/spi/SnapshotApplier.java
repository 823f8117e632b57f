package io.github.statesync.core.spi;

import io.github.statesync.core.protocol.SnapshotEnvelope;

/**
 * Applies a snapshot to local state. A sync handle calls it for one topic at a time,
 * never concurrently, and only with a snapshot newer than the last one applied.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface SnapshotApplier<T> {

	/**
	 * Apply the snapshot. If this method throws, the local revision stays where it was,
	 * so the next event or poll tries again.
	 * @param snapshot the snapshot to apply
	 * @throws Exception if the snapshot could not be applied
	 */
	void apply(SnapshotEnvelope<T> snapshot) throws Exception;

}
