package io.github.statesync.boot.sync;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.github.statesync.boot.topic.PublishRejectedException;
import io.github.statesync.boot.topic.SnapshotRejectedException;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.HistoryEntryNotFoundException;
import io.github.statesync.core.history.HistoryRecords;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.HistoryStore;
import io.github.statesync.core.history.WriteMetadata;
import io.github.statesync.core.history.WriteReceipt;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application's {@link StatePublisher}: writes through the transport, then applies
 * the write to this node's own topic at once (read your writes), so the node's own
 * invalidation is dropped by the revision gate instead of causing a fetch. Before
 * anything is written, the state is bound and validated with the rules of the topic's
 * readers, so a state they would all refuse never reaches the store.
 * <p>
 * Every write logs one audit line on the logger {@code io.github.statesync.audit} (topic,
 * old and new revision, node, the caller's principal when Spring Security holds one,
 * size, digest). When the transport keeps history ({@link HistoryStore}), the same facts
 * go into the topic's history entry, in the same atomic write, and
 * {@link #rollback(String, Revision)} publishes an earlier revision's data again.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class EchoingStatePublisher implements StatePublisher {

	private final StatePublisher delegate;

	private final SyncedTopicRegistry registry;

	private final JsonMapper mapper;

	private final PublishesInFlight inFlight = new PublishesInFlight();

	private final Function<String, HistoryRetention> retention;

	private final @Nullable String nodeId;

	/**
	 * Create a publisher that keeps no history.
	 * @param delegate the transport's publisher
	 * @param registry the topics this node follows
	 * @param mapper turns published objects into snapshot data
	 */
	public EchoingStatePublisher(StatePublisher delegate, SyncedTopicRegistry registry, JsonMapper mapper) {
		this(delegate, registry, mapper, (topic) -> HistoryRetention.NONE, null);
	}

	/**
	 * Create a publisher.
	 * @param delegate the transport's publisher; history is kept only if it is also a
	 * {@link HistoryStore}
	 * @param registry the topics this node follows
	 * @param mapper turns published objects into snapshot data
	 * @param retention how much history each topic keeps
	 * @param nodeId this node's id, for audit lines, or {@code null}
	 * @since 0.1.0
	 */
	public EchoingStatePublisher(StatePublisher delegate, SyncedTopicRegistry registry, JsonMapper mapper,
			Function<String, HistoryRetention> retention, @Nullable String nodeId) {
		this.delegate = delegate;
		this.registry = registry;
		this.mapper = mapper;
		this.retention = retention;
		this.nodeId = nodeId;
	}

	/**
	 * Publish a new state of a topic, after checking it with the rules of this node's
	 * readers.
	 * @throws PublishRejectedException if this node follows the topic and would refuse
	 * the state; nothing is written then
	 */
	@Override
	public Revision publish(String topic, Object data) {
		JsonNode tree = checked(topic, data);
		long ticket = this.inFlight.begin(topic);
		try {
			Revision revision = write(topic, data, null, HistoryEntry.Operation.PUBLISH, null).revision();
			echo(topic, revision, tree);
			return revision;
		}
		finally {
			this.inFlight.end(topic, ticket);
		}
	}

	/**
	 * Publish a new state of a topic if its revision is still the expected one, after
	 * checking it with the rules of this node's readers.
	 * @throws PublishRejectedException if this node follows the topic and would refuse
	 * the state; nothing is written then
	 */
	@Override
	public PublishResult publishIfCurrent(String topic, Revision expected, Object data) {
		JsonNode tree = checked(topic, data);
		long ticket = this.inFlight.begin(topic);
		try {
			WriteReceipt receipt = write(topic, data, expected, HistoryEntry.Operation.COMPARE_AND_SET, null);
			if (receipt.published()) {
				echo(topic, receipt.revision(), tree);
			}
			return new PublishResult(receipt.published(), receipt.revision());
		}
		finally {
			this.inFlight.end(topic, ticket);
		}
	}

	/**
	 * Publish the data of an earlier revision of a topic again, as a new revision, after
	 * checking it with the rules of this node's readers as any publish. The history entry
	 * and the audit line of the write name the revision restored.
	 * @param topic the topic
	 * @param revision the revision whose data to publish again
	 * @return the new revision
	 * @throws HistoryEntryNotFoundException if the topic's history does not hold the
	 * revision; nothing is written then
	 * @throws PublishRejectedException if this node follows the topic and its readers
	 * would now refuse the data (their rules changed since); nothing is written then
	 * @throws IllegalStateException if the transport keeps no history
	 * @since 0.1.0
	 */
	public Revision rollback(String topic, Revision revision) {
		HistoryEntry entry = historyStore().entry(topic, revision).orElseThrow(() -> notInHistory(topic, revision));
		JsonNode data = this.mapper.readTree(entry.envelope()).get("data");
		if (data == null) {
			throw new IllegalStateException(
					"History entry " + revision + " of topic '" + topic + "' holds an envelope without data: "
							+ entry.envelope().substring(0, Math.min(entry.envelope().length(), 80)));
		}
		JsonNode tree = checked(topic, data);
		long ticket = this.inFlight.begin(topic);
		try {
			Revision written = write(topic, data, null, HistoryEntry.Operation.ROLLBACK, revision).revision();
			echo(topic, written, tree);
			return written;
		}
		finally {
			this.inFlight.end(topic, ticket);
		}
	}

	/**
	 * Return the transport's history, for reads.
	 * @return the history store
	 * @throws IllegalStateException if the transport keeps no history
	 */
	HistoryStore historyStore() {
		if (this.delegate instanceof HistoryStore store) {
			return store;
		}
		throw new IllegalStateException("The transport's publisher (" + this.delegate.getClass().getName()
				+ ") keeps no history: use the Redis or the local transport ('statesync.transport')");
	}

	/**
	 * Return how much history a topic keeps.
	 * @param topic the topic
	 * @return the retention
	 */
	HistoryRetention retention(String topic) {
		return this.retention.apply(topic);
	}

	private HistoryEntryNotFoundException notInHistory(String topic, Revision revision) {
		HistoryRetention kept = this.retention.apply(topic);
		List<HistoryEntry> held = historyStore().history(topic, Integer.MAX_VALUE);
		String settings = "'statesync.topics." + topic + ".history' (or 'statesync.defaults.history')";
		if (held.isEmpty()) {
			return new HistoryEntryNotFoundException(topic, revision, "Topic '" + topic + "' has no history"
					+ (kept.isEnabled() ? " yet (it keeps " + kept.maxEntries() + " entries, none written so far)"
							: ": set " + settings + " to the number of past snapshots to keep")
					+ "; nothing was written");
		}
		return new HistoryEntryNotFoundException(topic, revision,
				"Topic '" + topic + "' has no revision " + revision + " in its history, which holds its " + held.size()
						+ " newest writes, revisions " + held.get(held.size() - 1).revision() + " to "
						+ held.get(0).revision() + ": it was never written, or the history's bounds dropped it ("
						+ settings + " = " + kept.maxEntries() + " entries, 'history-max-size' = " + kept.maxBytes()
						+ " bytes); nothing was written");
	}

	/**
	 * Write through the transport, with the history's metadata when it keeps history, and
	 * log the audit line.
	 */
	private WriteReceipt write(String topic, Object data, @Nullable Revision expected, HistoryEntry.Operation operation,
			@Nullable Revision rollbackOf) {
		String principal = CallerPrincipal.current();
		WriteReceipt receipt;
		if (this.delegate instanceof HistoryStore store) {
			receipt = store.write(topic, data, expected,
					new WriteMetadata(operation, principal, rollbackOf, this.retention.apply(topic)));
		}
		else {
			byte[] json = this.mapper.writeValueAsBytes(data);
			PublishResult result = (expected != null) ? this.delegate.publishIfCurrent(topic, expected, data)
					: new PublishResult(true, this.delegate.publish(topic, data));
			receipt = new WriteReceipt(result.published(), result.revision(), null, json.length,
					HistoryRecords.digest(json));
		}
		AuditLog.written(topic, operation, expected, receipt, this.nodeId, principal, rollbackOf);
		return receipt;
	}

	/**
	 * Wait until every publish of the topic this node began before the call has ended,
	 * and with it its local apply. The store announces a write before this node hears its
	 * answer, so a client that fetches the topic from this node on the announcement could
	 * otherwise be served the revision before: the REST endpoint calls this before it
	 * answers (read your writes). Publishes begun after the call are not waited for.
	 * @param topic the topic
	 * @param timeout the longest wait
	 * @return {@code false} if the timeout passed first
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean awaitPublishes(String topic, Duration timeout) throws InterruptedException {
		return this.inFlight.await(topic, timeout);
	}

	/**
	 * Bind and validate the data exactly as the topic's applier does, so that nothing
	 * every reader would refuse is ever stored.
	 * @return the data as a tree, to echo locally, or {@code null} when this node does
	 * not follow the topic: its readers check it (their type and rules are unknown here)
	 * and nothing here applies it, so it is not converted at all
	 */
	private @Nullable JsonNode checked(String topic, Object data) {
		TopicApplier applier = this.registry.applier(topic);
		if (applier == null) {
			return null;
		}
		JsonNode tree = this.mapper.valueToTree(data);
		try {
			applier.check(tree);
		}
		catch (SnapshotRejectedException ex) {
			throw new PublishRejectedException(topic, ex);
		}
		return tree;
	}

	private void echo(String topic, Revision revision, @Nullable JsonNode tree) {
		SyncHandle<JsonNode> handle = this.registry.handle(topic);
		if (tree != null && handle != null) {
			handle.applyLocal(new SnapshotEnvelope<>(revision, tree));
		}
	}

}
