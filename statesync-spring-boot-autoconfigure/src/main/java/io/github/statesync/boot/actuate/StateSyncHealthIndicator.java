package io.github.statesync.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.engine.SyncHandle;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of statesync, from memory only: {@code DOWN} while the subscription is
 * disconnected or a required topic has no snapshot; otherwise {@code UP}. Each topic
 * shows in the details: {@code UP} with a snapshot, {@code DOWN} if it is required and
 * has none, {@code UNKNOWN} if it is not required and never loaded (which does not take
 * the application down). A topic without a snapshot says so ({@code snapshot: false}),
 * with the reason and its last error: it runs on its defaults, whatever its status.
 *
 * @author statesync
 * @since 0.1.0
 */
public class StateSyncHealthIndicator extends AbstractHealthIndicator {

	private final SyncedTopicRegistry registry;

	private final StateSyncTransport transport;

	private final TopicStatistics statistics;

	/**
	 * Create the indicator.
	 * @param registry the topics
	 * @param transport the transport
	 * @param statistics what happened to the topics, for their last errors
	 */
	public StateSyncHealthIndicator(SyncedTopicRegistry registry, StateSyncTransport transport,
			TopicStatistics statistics) {
		super("statesync health check failed");
		this.registry = registry;
		this.transport = transport;
		this.statistics = statistics;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean connected = this.transport.isConnected();
		boolean up = connected;
		Map<String, Object> topics = new TreeMap<>();
		for (SyncHandle<JsonNode> handle : this.registry.handles()) {
			boolean required = this.registry.isRequired(handle.topic());
			Status status;
			if (handle.hasSnapshot() && handle.state() == SyncHandle.State.RUNNING) {
				status = Status.UP;
			}
			else if (required) {
				status = Status.DOWN;
				up = false;
			}
			else {
				status = Status.UNKNOWN;
			}
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("status", status.getCode());
			details.put("revision", handle.localRevision().toString());
			details.put("required", required);
			details.put("snapshot", handle.hasSnapshot());
			if (!handle.hasSnapshot()) {
				details.put("reason", "no snapshot applied yet: the topic runs on its defaults");
			}
			TopicStatistics.LastError lastError = this.statistics.topic(handle.topic()).lastError();
			if (lastError != null) {
				details.put("lastError", lastError.phase().name().toLowerCase(Locale.ROOT) + ": "
						+ lastError.exception() + ": " + lastError.message());
			}
			topics.put(handle.topic(), details);
		}
		builder.status(up ? Status.UP : Status.DOWN)
			.withDetail("transport", this.transport.name())
			.withDetail("connected", connected)
			.withDetail("topics", topics);
	}

}
