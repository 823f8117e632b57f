package io.github.statesync.core.spi;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the last snapshot a node applied for each topic somewhere that survives a restart
 * (its <em>last-known-good</em> state), so a node that starts while the source is
 * unreachable can still start on the newest state it ever held. One archive may serve
 * many topics.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 * @since 0.1.0
 * @see io.github.statesync.core.archive.FileSnapshotArchive
 */
public interface SnapshotArchive<T> {

	/**
	 * Return the archived snapshot of a topic.
	 * @param topic the topic
	 * @return the snapshot, or {@code null} if none was archived
	 * @throws IOException if the archive cannot be read, or what it holds is corrupt or
	 * truncated
	 * @throws io.github.statesync.core.protocol.ProtocolException if what it holds is not
	 * a valid snapshot
	 */
	@Nullable SnapshotEnvelope<T> load(String topic) throws IOException;

	/**
	 * Archive a snapshot that was just applied, replacing the topic's previous one.
	 * Called on the thread that applied the snapshot while the topic's apply lock is
	 * held, so it must not wait for I/O: implementations write behind, and may skip a
	 * snapshot that a newer one replaced before it was written.
	 * @param topic the topic
	 * @param snapshot the snapshot
	 * @return a future that completes once the snapshot, or a newer one, is stored, and
	 * completes exceptionally if storing failed
	 */
	CompletableFuture<Void> save(String topic, SnapshotEnvelope<T> snapshot);

}
