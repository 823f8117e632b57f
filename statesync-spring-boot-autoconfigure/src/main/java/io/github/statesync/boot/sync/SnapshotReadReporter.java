package io.github.statesync.boot.sync;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the size of every snapshot a provider reads to the listeners
 * ({@link SyncListener#onSnapshotRead}), whatever the provider (store or REST).
 * <p>
 * A stopgap: the engine is to report {@code onSnapshotRead} itself for every snapshot
 * read with a known size. When it does, delete this class and its one use in
 * {@link StateSyncLifecycle}, or every size is recorded twice.
 *
 * @author statesync
 */
final class SnapshotReadReporter implements SnapshotProvider<Object> {

	private static final Logger logger = LoggerFactory.getLogger(SnapshotReadReporter.class);

	private final SnapshotProvider<Object> delegate;

	private final List<SyncListener> listeners;

	@SuppressWarnings("unchecked")
	private SnapshotReadReporter(SnapshotProvider<?> delegate, List<SyncListener> listeners) {
		this.delegate = (SnapshotProvider<Object>) delegate;
		this.listeners = listeners;
	}

	@SuppressWarnings("unchecked")
	static <T> SnapshotProvider<T> of(SnapshotProvider<T> delegate, List<SyncListener> listeners) {
		return (SnapshotProvider<T>) (SnapshotProvider<?>) new SnapshotReadReporter(delegate, listeners);
	}

	@Override
	public CompletableFuture<@Nullable SnapshotEnvelope<Object>> fetch(String topic, Revision knownRevision) {
		return this.delegate.fetch(topic, knownRevision).thenApply((snapshot) -> {
			if (snapshot != null && snapshot.encodedSize() >= 0) {
				for (SyncListener listener : this.listeners) {
					try {
						listener.onSnapshotRead(topic, snapshot.revision(), snapshot.encodedSize());
					}
					catch (RuntimeException ex) {
						logger.warn("A SyncListener failed on a snapshot read of topic '{}': {}", topic, ex.toString());
					}
				}
			}
			return snapshot;
		});
	}

	@Override
	public @Nullable SnapshotEnvelope<Object> inlineSnapshot(InvalidationEvent event) {
		return this.delegate.inlineSnapshot(event);
	}

}
