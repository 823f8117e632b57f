package io.github.statesync.boot.sync;

import java.time.Duration;
import java.util.function.ToIntFunction;

import io.github.statesync.boot.topic.PublishRejectedException;
import io.github.statesync.boot.topic.SnapshotRejectedException;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.engine.SyncHandle;
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
 *
 * @author statesync
 * @since 0.1.0
 */
public final class EchoingStatePublisher implements StatePublisher {

	private final StatePublisher delegate;

	private final SyncedTopicRegistry registry;

	private final JsonMapper mapper;

	private final PublishesInFlight inFlight = new PublishesInFlight();

	private final ToIntFunction<String> declaredVersions;

	/**
	 * Create a publisher.
	 * @param delegate the transport's publisher
	 * @param registry the topics this node follows
	 * @param mapper turns published objects into snapshot data
	 */
	public EchoingStatePublisher(StatePublisher delegate, SyncedTopicRegistry registry, JsonMapper mapper) {
		this(delegate, registry, mapper, (topic) -> SnapshotEnvelope.UNVERSIONED);
	}

	/**
	 * Create a publisher that stamps every publish with the schema version of the topic:
	 * the followed topic's resolved version, else what {@code declaredVersions} says.
	 * @param delegate the transport's publisher
	 * @param registry the topics this node follows
	 * @param mapper turns published objects into snapshot data
	 * @param declaredVersions the schema version of topics this node writes without
	 * following them (from their properties), {@code 1} when none is declared
	 * @since 0.1.0
	 */
	public EchoingStatePublisher(StatePublisher delegate, SyncedTopicRegistry registry, JsonMapper mapper,
			ToIntFunction<String> declaredVersions) {
		this.delegate = delegate;
		this.registry = registry;
		this.mapper = mapper;
		this.declaredVersions = declaredVersions;
	}

	/**
	 * Publish a new state of a topic, after checking it with the rules of this node's
	 * readers.
	 * @throws PublishRejectedException if this node follows the topic and would refuse
	 * the state; nothing is written then
	 */
	@Override
	public Revision publish(String topic, Object data) {
		return publish(topic, data, schemaVersion(topic));
	}

	/**
	 * Publish a new state of a topic stamped with a schema version, after checking it
	 * with the rules of this node's readers. {@link #publish(String, Object)} stamps the
	 * topic's own version; this method is for tools that write topics they do not follow.
	 * @throws PublishRejectedException if this node follows the topic and would refuse
	 * the state; nothing is written then
	 * @throws IllegalArgumentException if this node follows the topic at another schema
	 * version
	 */
	@Override
	public Revision publish(String topic, Object data, int schemaVersion) {
		requireFollowedVersion(topic, schemaVersion);
		JsonNode tree = checked(topic, data);
		long ticket = this.inFlight.begin(topic);
		try {
			Revision revision = this.delegate.publish(topic, data, schemaVersion);
			echo(topic, revision, tree, schemaVersion);
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
		return publishIfCurrent(topic, expected, data, schemaVersion(topic));
	}

	/**
	 * Publish a new state of a topic stamped with a schema version if its revision is
	 * still the expected one, after checking it with the rules of this node's readers.
	 * @throws PublishRejectedException if this node follows the topic and would refuse
	 * the state; nothing is written then
	 * @throws IllegalArgumentException if this node follows the topic at another schema
	 * version
	 */
	@Override
	public PublishResult publishIfCurrent(String topic, Revision expected, Object data, int schemaVersion) {
		requireFollowedVersion(topic, schemaVersion);
		JsonNode tree = checked(topic, data);
		long ticket = this.inFlight.begin(topic);
		try {
			PublishResult result = this.delegate.publishIfCurrent(topic, expected, data, schemaVersion);
			if (result.published()) {
				echo(topic, result.revision(), tree, schemaVersion);
			}
			return result;
		}
		finally {
			this.inFlight.end(topic, ticket);
		}
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

}
