package io.github.statesync.core.history;

import java.util.Objects;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link HistoryStore} answers about a write: the facts an audit line needs,
 * without another round trip.
 *
 * @param published whether the data was written ({@code false}: a compare-and-set found
 * another revision)
 * @param revision the new revision if it was written, else the topic's current one
 * @param previousRevision the revision before the write ({@code 0} for a first write), or
 * {@code null} if the store cannot tell
 * @param size the size of the data, in bytes as JSON
 * @param digest the data's digest, as in {@link HistoryEntry#digest()}
 * @author statesync
 * @since 0.1.0
 */
public record WriteReceipt(boolean published, Revision revision, @Nullable Revision previousRevision, long size,
		String digest) {

	/**
	 * Create a receipt.
	 * @throws NullPointerException if the revision or digest is {@code null}
	 */
	public WriteReceipt {
		Objects.requireNonNull(revision, "revision must not be null");
		Objects.requireNonNull(digest, "digest must not be null");
	}

}
