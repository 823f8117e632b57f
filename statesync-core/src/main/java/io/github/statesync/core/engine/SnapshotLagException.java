package io.github.statesync.core.engine;

import io.github.statesync.core.protocol.Revision;

/**
 * The source answered a snapshot older than a revision an event already announced: a
 * lagging replica or cache. The handle keeps fetching, within its retry policy, until the
 * announced revision arrives.
 *
 * @author statesync
 * @since 0.1.0
 */
public class SnapshotLagException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient Revision snapshotRevision;

	private final transient Revision announcedRevision;

	/**
	 * Create a new exception.
	 * @param topic the topic
	 * @param snapshotRevision the revision the source answered
	 * @param announcedRevision the revision an event announced
	 */
	public SnapshotLagException(String topic, Revision snapshotRevision, Revision announcedRevision) {
		super("source of topic '" + topic + "' answered revision " + snapshotRevision + " but revision "
				+ announcedRevision + " was announced");
		this.snapshotRevision = snapshotRevision;
		this.announcedRevision = announcedRevision;
	}

	/**
	 * Return the revision the source answered.
	 * @return the snapshot revision
	 */
	public Revision getSnapshotRevision() {
		return this.snapshotRevision;
	}

	/**
	 * Return the revision an event announced.
	 * @return the announced revision
	 */
	public Revision getAnnouncedRevision() {
		return this.announcedRevision;
	}

}
