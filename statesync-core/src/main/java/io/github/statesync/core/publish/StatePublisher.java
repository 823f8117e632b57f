package io.github.statesync.core.publish;

import io.github.statesync.core.protocol.Revision;

/**
 * Writes a topic's new state: stores it as the canonical snapshot at the next revision
 * and broadcasts the invalidation, all or nothing.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface StatePublisher {

	/**
	 * Publish new state unconditionally.
	 * @param topic the topic
	 * @param data the new state
	 * @return the revision it was stored at
	 * @throws PublishException if the write failed (see {@link PublishException})
	 */
	Revision publish(String topic, Object data);

	/**
	 * Publish new state only if the topic is still at the expected revision (compare and
	 * set), so that concurrent writers detect conflicts instead of losing updates.
	 * @param topic the topic
	 * @param expected the revision the caller based its change on ({@code 0} if the topic
	 * has never been written)
	 * @param data the new state
	 * @return whether it was published, with the new revision, or the current one on
	 * conflict
	 * @throws PublishException if the write failed (see {@link PublishException})
	 */
	PublishResult publishIfCurrent(String topic, Revision expected, Object data);

}
