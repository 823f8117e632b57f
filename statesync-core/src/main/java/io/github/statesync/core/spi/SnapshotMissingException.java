package io.github.statesync.core.spi;

import io.github.statesync.core.protocol.Revision;

/**
 * The source holds no snapshot of a topic although the caller holds a revision of it: the
 * source lost the topic (its keys were evicted or deleted, it was flushed, or it
 * restarted without persistence). A {@link SnapshotProvider} fails its fetch with this
 * exception rather than answering {@code null} ("still the known revision"), so the loss
 * is reported instead of passing for "nothing newer". The caller keeps its revision and
 * data; the next publish stores the topic again.
 *
 * @author statesync
 * @since 0.1.0
 */
public class SnapshotMissingException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient Revision heldRevision;

	/**
	 * Create a new exception.
	 * @param topic the topic
	 * @param heldRevision the revision the caller holds
	 */
	public SnapshotMissingException(String topic, Revision heldRevision) {
		super("the source lost the snapshot of topic '" + topic
				+ "' (evicted, deleted, flushed or restarted without persistence): it holds none while this node "
				+ "holds revision " + heldRevision + "; this node keeps revision " + heldRevision
				+ " and its data until a newer snapshot is published");
		this.heldRevision = heldRevision;
	}

	/**
	 * Return the revision the caller holds.
	 * @return the held revision
	 */
	public Revision getHeldRevision() {
		return this.heldRevision;
	}

}
