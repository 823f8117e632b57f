package io.github.statesync.boot.topic;

/**
 * Validates a candidate state before it is swapped in.
 *
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface SnapshotValidator {

	/**
	 * Validate the candidate.
	 * @param topic the topic
	 * @param candidate the state bound from a snapshot
	 * @throws SnapshotRejectedException if it is invalid
	 */
	void validate(String topic, Object candidate);

}
