package io.github.statesync.boot.sync;

import java.util.List;
import java.util.Optional;

import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.StateHistory;
import io.github.statesync.core.protocol.Revision;

/**
 * The application's {@link StateHistory}: reads the transport's history and rolls back
 * through the application's publisher, so a rollback is checked with the readers' rules,
 * echoed on this node and audited like any write.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class PublisherStateHistory implements StateHistory {

	private final EchoingStatePublisher publisher;

	/**
	 * Create the history.
	 * @param publisher the publisher that writes rollbacks, over a transport that keeps
	 * history
	 */
	public PublisherStateHistory(EchoingStatePublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * Return how much history a topic keeps, as configured.
	 * @param topic the topic
	 * @return the retention
	 */
	public HistoryRetention retention(String topic) {
		return this.publisher.retention(topic);
	}

	@Override
	public List<HistoryEntry> history(String topic, int limit) {
		return this.publisher.historyStore().history(topic, limit);
	}

	@Override
	public Optional<HistoryEntry> entry(String topic, Revision revision) {
		return this.publisher.historyStore().entry(topic, revision);
	}

	@Override
	public Revision rollback(String topic, Revision revision) {
		return this.publisher.rollback(topic, revision);
	}

}
