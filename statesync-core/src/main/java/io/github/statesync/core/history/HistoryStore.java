package io.github.statesync.core.history;

import java.util.List;
import java.util.Optional;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.publish.StatePublisher;
import org.jspecify.annotations.Nullable;

/**
 * The part of a transport's {@link StatePublisher} that keeps history: a write that also
 * records who made it, in the same atomic step as the snapshot, and the reads of the
 * history. Writers call it instead of {@link StatePublisher#publish} to pass the
 * metadata; applications use {@link StateHistory}.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface HistoryStore {

	/**
	 * Write a topic's new state, unconditionally or as a compare-and-set, and record it
	 * in the topic's history when the retention keeps any.
	 * @param topic the topic
	 * @param data the new state
	 * @param expected the revision the topic must be at, or {@code null} for an
	 * unconditional write
	 * @param metadata what to record about the write
	 * @return what was written
	 * @throws PublishException if the write failed
	 */
	WriteReceipt write(String topic, Object data, @Nullable Revision expected, WriteMetadata metadata);

	/**
	 * Read the newest entries of a topic's history, newest first.
	 * @param topic the topic
	 * @param limit the most entries to read (at least 1)
	 * @return the entries, empty when there are none
	 * @throws PublishException if the store cannot be read
	 */
	List<HistoryEntry> history(String topic, int limit);

	/**
	 * Read the entry of one revision.
	 * @param topic the topic
	 * @param revision the revision
	 * @return the entry, or empty if the history does not hold it
	 * @throws PublishException if the store cannot be read
	 */
	default Optional<HistoryEntry> entry(String topic, Revision revision) {
		return history(topic, Integer.MAX_VALUE).stream()
			.filter((entry) -> entry.revision().equals(revision))
			.findFirst();
	}

}
