package io.github.statesync.boot.sync;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.topic.PublishRejectedException;
import io.github.statesync.boot.topic.SnapshotRejectedException;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.boot.validate.PublishProposal;
import io.github.statesync.boot.validate.PublishValidationException;
import io.github.statesync.boot.validate.PublishValidator;
import io.github.statesync.boot.validate.PublishVerdict;
import io.github.statesync.boot.validate.ValidatingStatePublisher;
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
import io.github.statesync.core.spi.SnapshotProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application's {@link StatePublisher}: writes through the transport, then applies
 * the write to this node's own topic at once (read your writes), so the node's own
 * invalidation is dropped by the revision gate instead of causing a fetch. Before
 * anything is written, the state is bound and validated with the rules of the topic's
 * readers, so a state they would all refuse never reaches the store; then the
 * application's {@link PublishValidator}s compare it with the topic's current state.
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
public final class EchoingStatePublisher implements ValidatingStatePublisher {

	private static final Logger logger = LoggerFactory.getLogger(EchoingStatePublisher.class);

	private static final Skip NO_SKIP = new Skip("", Set.of());

	/**
	 * A rollback restores a state publish validators passed when it was written: only the
	 * readers' rules of today check it.
	 */
	private static final Skip ROLLBACK = new Skip("rollback", Set.of());

	private final StatePublisher delegate;

	private final SyncedTopicRegistry registry;

	private final JsonMapper mapper;

	private final PublishesInFlight inFlight = new PublishesInFlight();

	private final PublishValidators validators;

	private final ToIntFunction<String> declaredVersions;

	private final Function<String, HistoryRetention> retention;

	private final @Nullable String nodeId;

	/**
	 * Create a publisher without publish validators, stamping unversioned data on topics
	 * this node does not follow.
	 * @param delegate the transport's publisher
	 * @param registry the topics this node follows
	 * @param mapper turns published objects into snapshot data
	 */
	public EchoingStatePublisher(StatePublisher delegate, SyncedTopicRegistry registry, JsonMapper mapper) {
		this(delegate, registry, mapper, PublishValidators.NONE, (topic) -> SnapshotEnvelope.UNVERSIONED,
				(topic) -> HistoryRetention.NONE, null);
	}

	/**
	 * Create a publisher that checks publishes with validators and stamps them with the
	 * topic's schema version.
	 * @param delegate the transport's publisher
	 * @param registry the topics this node follows
	 * @param mapper turns published objects into snapshot data
	 * @param validators the validators by bean name, in the order they run
	 * @param stores the provider reading a topic's snapshot from the store the delegate
	 * writes to, for validators of a topic this node holds no state of
	 * @param readTimeout the longest such a read may take
	 * @param declaredVersions the schema version of topics this node writes without
	 * following them (from their properties), {@code 1} when none is declared
	 * @param retention how much history each topic keeps (kept only if the delegate is
	 * also a {@link HistoryStore})
	 * @param nodeId this node's id, for audit lines, or {@code null}
	 */
	public EchoingStatePublisher(StatePublisher delegate, SyncedTopicRegistry registry, JsonMapper mapper,
			Map<String, PublishValidator> validators, Function<String, SnapshotProvider<JsonNode>> stores,
			Duration readTimeout, ToIntFunction<String> declaredVersions, Function<String, HistoryRetention> retention,
			@Nullable String nodeId) {
		this(delegate, registry, mapper, new PublishValidators(validators, stores, readTimeout), declaredVersions,
				retention, nodeId);
	}

	private EchoingStatePublisher(StatePublisher delegate, SyncedTopicRegistry registry, JsonMapper mapper,
			PublishValidators validators, ToIntFunction<String> declaredVersions,
			Function<String, HistoryRetention> retention, @Nullable String nodeId) {
		this.delegate = delegate;
		this.registry = registry;
		this.mapper = mapper;
		this.validators = validators;
		this.declaredVersions = declaredVersions;
		this.retention = retention;
		this.nodeId = nodeId;
	}

	/**
	 * Publish a new state of a topic, after checking it with the rules of this node's
	 * readers and the topic's publish validators.
	 * @throws PublishRejectedException if this node follows the topic and would refuse
	 * the state, or a {@link PublishValidationException} if a validator refuses it;
	 * nothing is written then
	 */
	@Override
	public Revision publish(String topic, Object data) {
		return write(topic, data, schemaVersion(topic), NO_SKIP);
	}

	/**
	 * Publish a new state of a topic stamped with a schema version, after the same checks
	 * as {@link #publish(String, Object)}, which stamps the topic's own version; this
	 * method is for tools that write topics they do not follow.
	 * @throws IllegalArgumentException if this node follows the topic at another schema
	 * version
	 */
	@Override
	public Revision publish(String topic, Object data, int schemaVersion) {
		requireFollowedVersion(topic, schemaVersion);
		return write(topic, data, schemaVersion, NO_SKIP);
	}

	/**
	 * Publish a new state of a topic if its revision is still the expected one, after
	 * checking it with the rules of this node's readers and the topic's publish
	 * validators, which compare it with the expected revision's state. When the topic is
	 * found at another revision while reading that state, the result is the conflict and
	 * nothing is written.
	 * @throws PublishRejectedException if this node follows the topic and would refuse
	 * the state, or a {@link PublishValidationException} if a validator refuses it;
	 * nothing is written then
	 */
	@Override
	public PublishResult publishIfCurrent(String topic, Revision expected, Object data) {
		return writeIfCurrent(topic, expected, data, schemaVersion(topic), NO_SKIP);
	}

	/**
	 * Publish a new state of a topic stamped with a schema version if its revision is
	 * still the expected one, after the same checks as
	 * {@link #publishIfCurrent(String, Revision, Object)}.
	 * @throws IllegalArgumentException if this node follows the topic at another schema
	 * version
	 */
	@Override
	public PublishResult publishIfCurrent(String topic, Revision expected, Object data, int schemaVersion) {
		requireFollowedVersion(topic, schemaVersion);
		return writeIfCurrent(topic, expected, data, schemaVersion, NO_SKIP);
	}

	@Override
	public StatePublisher skipping(String reason, String... validators) {
		if (reason == null || reason.isBlank()) {
			throw new IllegalArgumentException("overriding publish validators needs a reason for the log");
		}
		if (validators.length == 0) {
			throw new IllegalArgumentException("name the publish validators to override");
		}
		Set<String> names = new LinkedHashSet<>(Arrays.asList(validators));
		this.validators.requireKnown(names);
		return new Overriding(new Skip(reason, Set.copyOf(names)));
	}

	private Revision write(String topic, Object data, int schemaVersion, Skip skip) {
		return write(topic, data, schemaVersion, skip, HistoryEntry.Operation.PUBLISH, null);
	}

	private Revision write(String topic, Object data, int schemaVersion, Skip skip, HistoryEntry.Operation operation,
			@Nullable Revision rollbackOf) {
		Checked checked = checked(topic, data, null, skip);
		long ticket = this.inFlight.begin(topic);
		try {
			Revision revision = store(topic, data, null, schemaVersion, operation, rollbackOf).revision();
			echo(topic, revision, checked.tree(), schemaVersion);
			audit(topic, revision, checked, skip);
			return revision;
		}
		finally {
			this.inFlight.end(topic, ticket);
		}
	}

	private PublishResult writeIfCurrent(String topic, Revision expected, Object data, int schemaVersion, Skip skip) {
		Checked checked = checked(topic, data, expected, skip);
		Revision conflict = checked.conflict();
		if (conflict != null) {
			return new PublishResult(false, conflict);
		}
		long ticket = this.inFlight.begin(topic);
		try {
			WriteReceipt receipt = store(topic, data, expected, schemaVersion, HistoryEntry.Operation.COMPARE_AND_SET,
					null);
			if (receipt.published()) {
				echo(topic, receipt.revision(), checked.tree(), schemaVersion);
				audit(topic, receipt.revision(), checked, skip);
			}
			return new PublishResult(receipt.published(), receipt.revision());
		}
		finally {
			this.inFlight.end(topic, ticket);
		}
	}

	/**
	 * Publish the data of an earlier revision of a topic again, as a new revision, after
	 * checking it with the rules of this node's readers as any publish (but not with the
	 * publish validators: they passed it when it was first written). The history entry
	 * and the audit line of the write name the revision restored.
	 * @param topic the topic
	 * @param revision the revision whose data to publish again
	 * @return the new revision
	 * @throws HistoryEntryNotFoundException if the topic's history does not hold the
	 * revision; nothing is written then
	 * @throws PublishRejectedException if this node follows the topic and its readers
	 * would now refuse the data (their rules changed since); nothing is written then
	 * @throws IllegalStateException if the transport keeps no history, or if this node
	 * follows the topic at another schema version than the revision's
	 * @since 0.1.0
	 */
	public Revision rollback(String topic, Revision revision) {
		HistoryEntry entry = historyStore().entry(topic, revision).orElseThrow(() -> notInHistory(topic, revision));
		JsonNode envelope = this.mapper.readTree(entry.envelope());
		JsonNode data = envelope.get("data");
		if (data == null) {
			throw new IllegalStateException(
					"History entry " + revision + " of topic '" + topic + "' holds an envelope without data: "
							+ entry.envelope().substring(0, Math.min(entry.envelope().length(), 80)));
		}
		return write(topic, data, rollbackVersion(topic, revision, envelope), ROLLBACK, HistoryEntry.Operation.ROLLBACK,
				revision);
	}

	/**
	 * The schema version a rollback writes: the entry's. A node that follows the topic
	 * checks the data with its own version's type, so it rolls back only entries of that
	 * version.
	 */
	private int rollbackVersion(String topic, Revision revision, JsonNode envelope) {
		JsonNode member = envelope.get("schemaVersion");
		int version = (member != null && member.isInt()) ? member.intValue() : SnapshotEnvelope.UNVERSIONED;
		TopicSettings settings = this.registry.settings(topic);
		if (settings != null && settings.schemaVersion() != version) {
			throw new IllegalStateException("Cannot roll topic '" + topic + "' back to revision " + revision
					+ ": its data is schema version " + version + " and this node checks the topic's data as version "
					+ settings.schemaVersion() + "; publish that state migrated to version " + settings.schemaVersion()
					+ " instead; nothing was written");
		}
		return version;
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
	private WriteReceipt store(String topic, Object data, @Nullable Revision expected, int schemaVersion,
			HistoryEntry.Operation operation, @Nullable Revision rollbackOf) {
		String principal = CallerPrincipal.current();
		WriteReceipt receipt;
		if (this.delegate instanceof HistoryStore store) {
			receipt = store.write(topic, data, expected,
					new WriteMetadata(operation, principal, rollbackOf, this.retention.apply(topic), schemaVersion));
		}
		else {
			byte[] json = this.mapper.writeValueAsBytes(data);
			PublishResult result = (expected != null)
					? this.delegate.publishIfCurrent(topic, expected, data, schemaVersion)
					: new PublishResult(true, this.delegate.publish(topic, data, schemaVersion));
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
	 * every reader would refuse is ever stored; then, readers' rules passed, run the
	 * publish validators that support the topic against its current state.
	 * @param expected the revision a compare-and-set expects, or {@code null}
	 * @return the data as a tree, to echo locally, or no tree when this node does not
	 * follow the topic (its readers check it, nothing here applies it); the verdicts of
	 * overridden validators; or the revision a compare-and-set found instead of the
	 * expected one
	 */
	private Checked checked(String topic, Object data, @Nullable Revision expected, Skip skip) {
		TopicApplier applier = this.registry.applier(topic);
		JsonNode tree = null;
		Object proposed = null;
		if (applier != null) {
			tree = this.mapper.valueToTree(data);
			try {
				proposed = applier.check(tree);
			}
			catch (SnapshotRejectedException ex) {
				throw new PublishRejectedException(topic, ex);
			}
		}
		if (skip == ROLLBACK || !this.validators.check(topic)) {
			return new Checked(tree, null, Map.of());
		}
		if (proposed == null) {
			proposed = this.mapper.valueToTree(data);
		}
		SyncedValue.Snapshot<?> current = current(topic, applier, expected);
		if (expected != null && !expected.equals(current.revision())) {
			return new Checked(tree, current.revision(), Map.of());
		}
		PublishProposal proposal = new PublishProposal(topic, current.revision(), current.value(), proposed,
				this.mapper);
		return new Checked(tree, null, this.validators.validate(proposal, skip.validators()));
	}

	/**
	 * The state a publish replaces: the one this node holds when it follows the topic and
	 * holds a revision (the expected one, for a compare-and-set), else the store's, read
	 * as this node would apply it (migrated to its schema version, bound to the topic's
	 * type) when it follows the topic and readers accept it.
	 */
	private SyncedValue.Snapshot<?> current(String topic, @Nullable TopicApplier applier, @Nullable Revision expected) {
		if (applier != null) {
			SyncedValue.Snapshot<?> local = this.registry.topicValue(topic).snapshot();
			if (!local.revision().equals(Revision.ZERO) && (expected == null || expected.equals(local.revision()))) {
				return local;
			}
		}
		SnapshotEnvelope<JsonNode> stored = this.validators.read(topic);
		if (stored == null) {
			return new SyncedValue.Snapshot<>(Revision.ZERO, null);
		}
		Object value = stored.data();
		if (applier != null) {
			try {
				value = applier.checkStored(stored);
			}
			catch (SnapshotRejectedException ex) {
				// the stored state is one readers refuse (a newer schema version, or
				// invalid): validators see it as JSON
			}
		}
		return new SyncedValue.Snapshot<>(stored.revision(), value);
	}

	private void audit(String topic, Revision revision, Checked checked, Skip skip) {
		if (skip.validators().isEmpty()) {
			return;
		}
		String verdicts = checked.overridden()
			.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + " (" + entry.getValue() + ")")
			.collect(Collectors.joining(", "));
		logger.warn("Publish to topic '{}' at revision {} overrode publish validators [{}]; reason: {}", topic,
				revision, verdicts.isEmpty() ? "none supports the topic" : verdicts, skip.reason());
	}

	private void echo(String topic, Revision revision, @Nullable JsonNode tree, int schemaVersion) {
		SyncHandle<JsonNode> handle = this.registry.handle(topic);
		if (tree != null && handle != null) {
			handle.applyLocal(new SnapshotEnvelope<>(revision, tree, -1, schemaVersion));
		}
	}

	/**
	 * Return the schema version a publish of the topic is stamped with: the followed
	 * topic's resolved version (annotation or property), else the property's, else 1.
	 * @param topic the topic
	 * @return the version, 1 or more
	 */
	int schemaVersion(String topic) {
		TopicSettings settings = this.registry.settings(topic);
		return (settings != null) ? settings.schemaVersion() : this.declaredVersions.applyAsInt(topic);
	}

	/**
	 * A followed topic's data is checked and echoed as its own version: another version
	 * would be bound as if it were that one.
	 */
	private void requireFollowedVersion(String topic, int schemaVersion) {
		TopicSettings settings = this.registry.settings(topic);
		if (settings != null && settings.schemaVersion() != schemaVersion) {
			throw new IllegalArgumentException("Cannot publish schema version " + schemaVersion + " of topic '" + topic
					+ "': this node follows it at schema version " + settings.schemaVersion()
					+ " and checks data with that version's type; publish version " + settings.schemaVersion()
					+ " (publish(topic, data) does) or publish from a node that does not follow the topic");
		}
	}

	/**
	 * The outcome of the checks before a write.
	 */
	private record Checked(@Nullable JsonNode tree, @Nullable Revision conflict,
			Map<String, PublishVerdict> overridden) {

	}

	/**
	 * Validators a deliberate change overrides, and why.
	 */
	private record Skip(String reason, Set<String> validators) {

	}

	/**
	 * The publisher {@link #skipping(String, String...)} returns.
	 */
	private final class Overriding implements StatePublisher {

		private final Skip skip;

		Overriding(Skip skip) {
			this.skip = skip;
		}

		@Override
		public Revision publish(String topic, Object data) {
			return write(topic, data, schemaVersion(topic), this.skip);
		}

		@Override
		public Revision publish(String topic, Object data, int schemaVersion) {
			requireFollowedVersion(topic, schemaVersion);
			return write(topic, data, schemaVersion, this.skip);
		}

		@Override
		public PublishResult publishIfCurrent(String topic, Revision expected, Object data) {
			return writeIfCurrent(topic, expected, data, schemaVersion(topic), this.skip);
		}

		@Override
		public PublishResult publishIfCurrent(String topic, Revision expected, Object data, int schemaVersion) {
			requireFollowedVersion(topic, schemaVersion);
			return writeIfCurrent(topic, expected, data, schemaVersion, this.skip);
		}

		@Override
		public String toString() {
			return "StatePublisher[skipping " + this.skip.validators() + "]";
		}

	}

}
