package io.github.statesync.core.spi;

import java.util.concurrent.CompletableFuture;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.jspecify.annotations.Nullable;

/**
 * Fetches the canonical snapshot of a topic. One provider may serve many topics.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface SnapshotProvider<T> {

	/**
	 * Fetch the topic's current snapshot, asynchronously. The future completes with
	 * {@code null} when the source says it holds exactly {@code knownRevision} (for
	 * example an HTTP {@code 304}), and exceptionally with a
	 * {@link io.github.statesync.core.protocol.ProtocolException} when the source
	 * answered something that breaks the protocol, and with a
	 * {@link SnapshotMissingException} when the source holds no snapshot at all although
	 * {@code knownRevision} is not {@code 0} (it lost the topic). The sync handle may
	 * apply the snapshot on the thread that completes the future.
	 * @param topic the topic
	 * @param knownRevision the revision the caller holds ({@code 0} before its first
	 * snapshot)
	 * @return the snapshot, or {@code null} if it is still {@code knownRevision}
	 */
	CompletableFuture<@Nullable SnapshotEnvelope<T>> fetch(String topic, Revision knownRevision);

	/**
	 * Return the snapshot an invalidation carries inline, bound to this provider's type,
	 * so the handle can apply it without a fetch. Called on the thread that delivers the
	 * event.
	 * @param event an event whose {@link InvalidationEvent#data()} is not {@code null}
	 * @return the snapshot, or {@code null} to fetch instead (the default)
	 * @throws io.github.statesync.core.protocol.ProtocolException if the inline data does
	 * not fit the type
	 */
	default @Nullable SnapshotEnvelope<T> inlineSnapshot(InvalidationEvent event) {
		return null;
	}

}
