package io.github.statesync.boot.topic;

/**
 * Told the size of every snapshot a transport reads, for the
 * {@code statesync.snapshot.size} distribution.
 *
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface SnapshotSizeObserver {

	/**
	 * A snapshot was read.
	 * @param topic the topic
	 * @param bytes its encoded size
	 */
	void onSnapshotSize(String topic, int bytes);

}
