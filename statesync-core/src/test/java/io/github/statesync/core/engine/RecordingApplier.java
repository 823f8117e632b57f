package io.github.statesync.core.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotApplier;

/**
 * Records every snapshot applied; can be told to fail for chosen revisions.
 */
final class RecordingApplier<T> implements SnapshotApplier<T> {

	final List<SnapshotEnvelope<T>> applied = new CopyOnWriteArrayList<>();

	private final Set<Long> failing = ConcurrentHashMap.newKeySet();

	void failOn(long revision) {
		this.failing.add(revision);
	}

	void recover(long revision) {
		this.failing.remove(revision);
	}

	@Override
	public void apply(SnapshotEnvelope<T> snapshot) {
		if (this.failing.contains(snapshot.revision().longValue())) {
			throw new IllegalStateException("applier refuses revision " + snapshot.revision());
		}
		this.applied.add(snapshot);
	}

	List<Long> revisions() {
		return this.applied.stream().map(SnapshotEnvelope::revision).map(Revision::longValue).toList();
	}

	T lastData() {
		return this.applied.get(this.applied.size() - 1).data();
	}

}
