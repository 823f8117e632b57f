package io.github.statesync.boot;

/**
 * How a snapshot's data is applied to a {@link SyncedTopic} bean. Either way a new object
 * is built, validated and swapped in; the live object is never mutated.
 *
 * @author statesync
 * @since 0.1.0
 */
public enum ApplyMode {

	/**
	 * Synced properties present in the snapshot overwrite the current values; the others
	 * keep them.
	 */
	PATCH,

	/**
	 * Every synced property takes the snapshot's value, or the bean's default when the
	 * snapshot lacks it. Properties excluded by {@code pickKeys}/{@code omitKeys} keep
	 * their current values.
	 */
	REPLACE

}
