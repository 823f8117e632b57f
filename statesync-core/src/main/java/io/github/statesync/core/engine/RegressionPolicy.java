package io.github.statesync.core.engine;

/**
 * What a handle does when its source regressed: asked after the handle applied revision
 * {@code N}, the source answered an older revision, and answered older again when asked
 * once more after a retry delay (so a replica that lags, or an answer overtaken by a
 * newer event, is not taken for one). It happens when the source lost or rewound its
 * data: Redis restored from an older backup, a fail-over to a replica that missed writes,
 * a revision key overwritten by hand, or an owner that once answered a revision it should
 * not have. Either way the regression is reported ({@link SyncPhase#REGRESSION}), so an
 * operator sees it in the log, the metrics and health.
 *
 * @author statesync
 * @since 0.1.0
 */
public enum RegressionPolicy {

	/**
	 * Apply the source's older snapshot: the fleet converges on what the source holds,
	 * which is what a node started now would see, so no two nodes show different data for
	 * long. The default: a node that holds on to data its source no longer has keeps a
	 * fleet split until the next write.
	 */
	FOLLOW,

	/**
	 * Keep the applied snapshot and report: the node stays on data its source no longer
	 * has until a write with a newer revision arrives. For topics where an operator would
	 * rather re-publish the newer state than have the fleet fall back.
	 */
	HOLD

}
