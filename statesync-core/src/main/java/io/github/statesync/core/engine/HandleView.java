package io.github.statesync.core.engine;

/**
 * What the parts of one {@link SyncHandle} read of the handle when something changes: its
 * state and the revisions its gate holds. One object per handle implements it (the
 * handle's listener), so the parts share one reference instead of a method reference each
 * (every captured method reference is an object of its own, per handle).
 *
 * @author statesync
 */
interface HandleView {

	/**
	 * Return the handle's lifecycle state.
	 * @return the state
	 */
	SyncHandle.State state();

	/**
	 * Return whether the handle stopped.
	 * @return {@code true} once stopped
	 */
	boolean isStopped();

	/**
	 * Return whether a snapshot has been applied.
	 * @return {@code true} after the first apply
	 */
	boolean hasSnapshot();

	/**
	 * Return whether the handle holds its archived snapshot.
	 * @return {@code true} while on the archive
	 */
	boolean isOnArchive();

	/**
	 * Return the bits of the local revision.
	 * @return the local revision
	 */
	long localRevisionBits();

	/**
	 * Return the bits of the highest announced revision.
	 * @return the announced revision
	 */
	long announcedRevisionBits();

}
