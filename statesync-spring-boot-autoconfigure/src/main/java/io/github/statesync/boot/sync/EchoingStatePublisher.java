package io.github.statesync.boot.sync;

import java.time.Duration;

import io.github.statesync.boot.topic.PublishRejectedException;
import io.github.statesync.boot.topic.SnapshotRejectedException;
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

	/**
	 * Create a publisher.
	 * @param delegate the transport's publisher
	 * @param registry the topics this node follows
	 * @param mapper turns published objects into snapshot data
	 */
	public EchoingStatePublisher(StatePublisher delegate, SyncedTopicRegistry registry, JsonMapper mapper) {
		this.delegate = delegate;
		this.registry = registry;
		this.mapper = mapper;
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
			Revision revision = this.delegate.publish(topic, data);
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
			PublishResult result = this.delegate.publishIfCurrent(topic, expected, data);
			if (result.published()) {
				echo(topic, result.revision(), tree);
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

	private void echo(String topic, Revision revision, @Nullable JsonNode tree) {
		SyncHandle<JsonNode> handle = this.registry.handle(topic);
		if (tree != null && handle != null) {
			handle.applyLocal(new SnapshotEnvelope<>(revision, tree));
		}
	}

}
