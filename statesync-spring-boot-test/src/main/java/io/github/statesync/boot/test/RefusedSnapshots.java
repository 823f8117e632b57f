package io.github.statesync.boot.test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.statesync.core.engine.SyncError;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * Remembers the newest snapshot each topic refused (it did not bind, validate or apply),
 * so that a wait for a revision this application will never apply ends at once with the
 * reason instead of a timeout.
 *
 * @author statesync
 */
final class RefusedSnapshots implements SyncListener {

	// guarded by this
	private final Map<String, SyncError> newest = new HashMap<>();

	// guarded by this
	private final List<Waiter> waiters = new ArrayList<>();

	@Override
	public void onError(SyncError error) {
		Revision revision = refused(error);
		if (revision == null) {
			return;
		}
		List<Waiter> completed = new ArrayList<>();
		synchronized (this) {
			SyncError known = this.newest.get(error.topic());
			Revision knownRevision = (known != null) ? refused(known) : null;
			if (knownRevision == null || !knownRevision.isNewerThan(revision)) {
				this.newest.put(error.topic(), error);
			}
			for (Iterator<Waiter> iterator = this.waiters.iterator(); iterator.hasNext();) {
				Waiter waiter = iterator.next();
				if (waiter.topic().equals(error.topic()) && !waiter.revision().isNewerThan(revision)) {
					iterator.remove();
					completed.add(waiter);
				}
			}
		}
		completed.forEach((waiter) -> waiter.future().complete(error));
	}

	/**
	 * Wait until the topic refuses a snapshot at least as new as the given revision.
	 * @param topic the topic
	 * @param atLeast the lowest revision
	 * @return a future completing with the error that reported the refusal
	 */
	CompletableFuture<SyncError> whenRefused(String topic, Revision atLeast) {
		CompletableFuture<SyncError> future = new CompletableFuture<>();
		synchronized (this) {
			SyncError known = this.newest.get(topic);
			Revision knownRevision = (known != null) ? refused(known) : null;
			if (known != null && knownRevision != null && !atLeast.isNewerThan(knownRevision)) {
				future.complete(known);
				return future;
			}
			Waiter waiter = new Waiter(topic, atLeast, future);
			this.waiters.add(waiter);
			future.whenComplete((error, ex) -> forget(waiter));
		}
		return future;
	}

	private synchronized void forget(Waiter waiter) {
		this.waiters.remove(waiter);
	}

	private static @Nullable Revision refused(SyncError error) {
		if (error.phase() != SyncPhase.APPLY && error.phase() != SyncPhase.PROTOCOL) {
			return null;
		}
		return error.snapshotRevision();
	}

	private record Waiter(String topic, Revision revision, CompletableFuture<SyncError> future) {

	}

}
