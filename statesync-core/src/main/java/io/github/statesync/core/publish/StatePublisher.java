package io.github.statesync.core.publish;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;

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

	/**
	 * Publish new state unconditionally, stamped with the schema version of its data, so
	 * that readers migrate older data and refuse newer data than they understand. Data of
	 * version {@value SnapshotEnvelope#UNVERSIONED} is stored without a version, exactly
	 * as {@link #publish(String, Object)} stores it.
	 * <p>
	 * The default implementation publishes version {@value SnapshotEnvelope#UNVERSIONED}
	 * through {@link #publish(String, Object)} and refuses any other version: a publisher
	 * whose store carries schema versions overrides it.
	 * @param topic the topic
	 * @param data the new state
	 * @param schemaVersion the schema version of the data,
	 * {@value SnapshotEnvelope#UNVERSIONED} or more
	 * @return the revision it was stored at
	 * @throws PublishException if the write failed (see {@link PublishException})
	 * @throws UnsupportedOperationException if this publisher cannot carry the version
	 * @since 0.1.0
	 */
	default Revision publish(String topic, Object data, int schemaVersion) {
		requireUnversioned(topic, schemaVersion);
		return publish(topic, data);
	}

	/**
	 * Publish new state, stamped with the schema version of its data, only if the topic
	 * is still at the expected revision (see {@link #publish(String, Object, int)} and
	 * {@link #publishIfCurrent(String, Revision, Object)}).
	 * @param topic the topic
	 * @param expected the revision the caller based its change on ({@code 0} if the topic
	 * has never been written)
	 * @param data the new state
	 * @param schemaVersion the schema version of the data,
	 * {@value SnapshotEnvelope#UNVERSIONED} or more
	 * @return whether it was published, with the new revision, or the current one on
	 * conflict
	 * @throws PublishException if the write failed (see {@link PublishException})
	 * @throws UnsupportedOperationException if this publisher cannot carry the version
	 * @since 0.1.0
	 */
	default PublishResult publishIfCurrent(String topic, Revision expected, Object data, int schemaVersion) {
		requireUnversioned(topic, schemaVersion);
		return publishIfCurrent(topic, expected, data);
	}

	private void requireUnversioned(String topic, int schemaVersion) {
		if (schemaVersion != SnapshotEnvelope.UNVERSIONED) {
			throw new UnsupportedOperationException(getClass().getName() + " cannot store schema version "
					+ schemaVersion + " of topic '" + topic + "': it stores only unversioned (version "
					+ SnapshotEnvelope.UNVERSIONED + ") data; use a transport whose publisher carries schema "
					+ "versions (Redis, in-JVM) or declare version " + SnapshotEnvelope.UNVERSIONED);
		}
	}

}
