package io.github.statesync.core.engine;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotArchive;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot archive in memory for engine tests, that can be told to fail reads or
 * writes.
 */
final class MemoryArchive<T> implements SnapshotArchive<T> {

	private final Map<String, SnapshotEnvelope<T>> snapshots = new ConcurrentHashMap<>();

	final List<Long> saved = new CopyOnWriteArrayList<>();

	final AtomicInteger loads = new AtomicInteger();

	private volatile @Nullable IOException loadFailure;

	private volatile @Nullable IOException saveFailure;

	MemoryArchive<T> holding(String topic, long revision, T data) {
		this.snapshots.put(topic, new SnapshotEnvelope<>(Revision.of(revision), data));
		return this;
	}

	void failLoads(IOException failure) {
		this.loadFailure = failure;
	}

	void failSaves(IOException failure) {
		this.saveFailure = failure;
	}

	@Nullable SnapshotEnvelope<T> stored(String topic) {
		return this.snapshots.get(topic);
	}

	@Override
	public @Nullable SnapshotEnvelope<T> load(String topic) throws IOException {
		this.loads.incrementAndGet();
		IOException failure = this.loadFailure;
		if (failure != null) {
			throw failure;
		}
		return this.snapshots.get(topic);
	}

	@Override
	public CompletableFuture<Void> save(String topic, SnapshotEnvelope<T> snapshot) {
		IOException failure = this.saveFailure;
		if (failure != null) {
			return CompletableFuture.failedFuture(failure);
		}
		this.snapshots.put(topic, snapshot);
		this.saved.add(snapshot.revision().longValue());
		return CompletableFuture.completedFuture(null);
	}

}
