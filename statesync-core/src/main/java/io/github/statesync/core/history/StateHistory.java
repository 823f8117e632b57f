package io.github.statesync.core.history;

import java.util.List;
import java.util.Optional;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;

/**
 * The recent past of topics that keep history: the last snapshots each was published at,
 * newest first, with the writer's node, the caller's principal, the time, the size and a
 * digest of the data, and a rollback that publishes one of them again. History is kept by
 * the same atomic write that stores the snapshot, so it never disagrees with it.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface StateHistory {

	/**
	 * Return the newest entries of a topic's history, newest first.
	 * @param topic the topic
	 * @param limit the most entries to return (at least 1)
	 * @return the entries, empty when the topic keeps no history or was never written
	 * @throws PublishException if the store cannot be read (the reason says why)
	 * @throws IllegalArgumentException if the limit is below 1
	 */
	List<HistoryEntry> history(String topic, int limit);

	/**
	 * Return the entry of one revision of a topic.
	 * @param topic the topic
	 * @param revision the revision
	 * @return the entry, or empty if the history does not hold that revision (never
	 * written, or dropped by the history's bounds)
	 * @throws PublishException if the store cannot be read (the reason says why)
	 */
	Optional<HistoryEntry> entry(String topic, Revision revision);

	/**
	 * Publish the data of an earlier revision again, as a new revision: revisions never
	 * go back, so every reader applies it through its usual revision gate. The data is
	 * checked with the readers' rules first, as any publish is, and the new entry of the
	 * history names the revision it restored ({@link HistoryEntry#rollbackOf()}).
	 * @param topic the topic
	 * @param revision the revision whose data to publish again
	 * @return the new revision
	 * @throws HistoryEntryNotFoundException if the history does not hold that revision
	 * @throws PublishException if the publish failed (see {@link PublishException})
	 */
	Revision rollback(String topic, Revision revision);

}
