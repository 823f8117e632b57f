package io.github.statesync.core.engine;

import java.util.List;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls every registered {@link SyncListener}, isolating the engine from one that throws.
 *
 * @author statesync
 */
final class SyncListeners implements SyncListener {

	private static final Logger logger = LoggerFactory.getLogger(SyncListeners.class);

	private final SyncListener[] listeners;

	SyncListeners(List<SyncListener> listeners) {
		this.listeners = listeners.toArray(new SyncListener[0]);
	}

	@Override
	public void onInvalidation(String topic, InvalidationOutcome outcome) {
		for (SyncListener listener : this.listeners) {
			try {
				listener.onInvalidation(topic, outcome);
			}
			catch (RuntimeException ex) {
				failed(listener, topic, ex);
			}
		}
	}

	@Override
	public void onRefresh(String topic, RefreshOutcome outcome, long durationNanos) {
		for (SyncListener listener : this.listeners) {
			try {
				listener.onRefresh(topic, outcome, durationNanos);
			}
			catch (RuntimeException ex) {
				failed(listener, topic, ex);
			}
		}
	}

	@Override
	public void onCoalesced(String topic) {
		for (SyncListener listener : this.listeners) {
			try {
				listener.onCoalesced(topic);
			}
			catch (RuntimeException ex) {
				failed(listener, topic, ex);
			}
		}
	}

	@Override
	public void onRetry(String topic, SyncError error) {
		for (SyncListener listener : this.listeners) {
			try {
				listener.onRetry(topic, error);
			}
			catch (RuntimeException ex) {
				failed(listener, topic, ex);
			}
		}
	}

	@Override
	public void onApplied(String topic, Revision previous, Revision applied, @Nullable Long eventTimestampMs) {
		for (SyncListener listener : this.listeners) {
			try {
				listener.onApplied(topic, previous, applied, eventTimestampMs);
			}
			catch (RuntimeException ex) {
				failed(listener, topic, ex);
			}
		}
	}

	@Override
	public void onSnapshotRead(String topic, Revision revision, int bytes) {
		for (SyncListener listener : this.listeners) {
			try {
				listener.onSnapshotRead(topic, revision, bytes);
			}
			catch (RuntimeException ex) {
				failed(listener, topic, ex);
			}
		}
	}

	@Override
	public void onStatusChanged(String topic, SyncStatus previous, SyncStatus current) {
		for (SyncListener listener : this.listeners) {
			try {
				listener.onStatusChanged(topic, previous, current);
			}
			catch (RuntimeException ex) {
				failed(listener, topic, ex);
			}
		}
	}

	@Override
	public void onApplyFallback(String topic, long applyNanos) {
		for (SyncListener listener : this.listeners) {
			try {
				listener.onApplyFallback(topic, applyNanos);
			}
			catch (RuntimeException ex) {
				failed(listener, topic, ex);
			}
		}
	}

	@Override
	public void onError(SyncError error) {
		for (SyncListener listener : this.listeners) {
			try {
				listener.onError(error);
			}
			catch (RuntimeException ex) {
				failed(listener, error.topic(), ex);
			}
		}
	}

	private void failed(SyncListener listener, String topic, RuntimeException ex) {
		logger.warn("Sync listener {} threw for topic '{}': {}", listener.getClass().getName(), topic, ex.toString());
	}

}
