package io.github.statesync.core.engine;

import io.github.statesync.core.protocol.Revision;

/**
 * The source of a topic holds an older revision than the handle applied, confirmed by a
 * second answer: it lost or rewound its data. Reported in phase
 * {@link SyncPhase#REGRESSION}; what the handle then does is its
 * {@link RegressionPolicy}.
 *
 * @author statesync
 * @since 0.1.0
 */
public class SourceRegressionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient Revision sourceRevision;

	private final transient Revision localRevision;

	private final RegressionPolicy policy;

	/**
	 * Create a new exception.
	 * @param topic the topic
	 * @param sourceRevision the revision the source answered
	 * @param localRevision the revision the handle held when it asked
	 * @param policy what the handle does about it
	 */
	public SourceRegressionException(String topic, Revision sourceRevision, Revision localRevision,
			RegressionPolicy policy) {
		super("source of topic '" + topic + "' holds revision " + sourceRevision + ", older than revision "
				+ localRevision + " this node applied: the source lost or rewound its data (restored from an older"
				+ " backup, failed over to a replica that missed writes, or its revision was overwritten); "
				+ ((policy == RegressionPolicy.FOLLOW) ? "following the source"
						: "holding revision " + localRevision + " until a newer write arrives"));
		this.sourceRevision = sourceRevision;
		this.localRevision = localRevision;
		this.policy = policy;
	}

	/**
	 * Return the revision the source answered.
	 * @return the source's revision
	 */
	public Revision getSourceRevision() {
		return this.sourceRevision;
	}

	/**
	 * Return the revision the handle held when it asked.
	 * @return the local revision
	 */
	public Revision getLocalRevision() {
		return this.localRevision;
	}

	/**
	 * Return what the handle does about the regression.
	 * @return the policy
	 */
	public RegressionPolicy getPolicy() {
		return this.policy;
	}

}
