package io.github.statesync.boot.topic;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application's {@link StatePublisher}: writes through the transport, then applies
 * the write to this node's own topic at once (read your writes), so the node's own
 * invalidation is dropped by the revision gate instead of causing a fetch.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class EchoingStatePublisher implements StatePublisher {

	private final StatePublisher delegate;

	private final SyncedTopicRegistry registry;

	private final JsonMapper mapper;

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

	@Override
	public Revision publish(String topic, Object data) {
		Revision revision = this.delegate.publish(topic, data);
		echo(topic, revision, data);
		return revision;
	}

	@Override
	public PublishResult publishIfCurrent(String topic, Revision expected, Object data) {
		PublishResult result = this.delegate.publishIfCurrent(topic, expected, data);
		if (result.published()) {
			echo(topic, result.revision(), data);
		}
		return result;
	}

	private void echo(String topic, Revision revision, Object data) {
		SyncHandle<JsonNode> handle = this.registry.handle(topic);
		if (handle != null) {
			handle.applyLocal(new SnapshotEnvelope<>(revision, this.mapper.valueToTree(data)));
		}
	}

}
