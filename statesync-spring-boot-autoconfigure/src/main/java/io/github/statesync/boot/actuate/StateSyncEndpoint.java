package io.github.statesync.boot.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncPhase;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code statesync} Actuator endpoint: every topic this node follows with its
 * revision, state, transport, provider, last apply, last error and counts ({@code GET
 * /actuator/statesync}), one topic ({@code GET /actuator/statesync/{topic}}), and a
 * forced refresh of one topic ({@code POST /actuator/statesync/{topic}}).
 *
 * @author statesync
 * @since 0.1.0
 */
@Endpoint(id = "statesync")
public class StateSyncEndpoint {

	private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(10);

	private final SyncedTopicRegistry registry;

	private final TopicStatistics statistics;

	private final StateSyncTransport transport;

	/**
	 * Create the endpoint.
	 * @param registry the topics
	 * @param statistics what happened to them
	 * @param transport the transport
	 */
	public StateSyncEndpoint(SyncedTopicRegistry registry, TopicStatistics statistics, StateSyncTransport transport) {
		this.registry = registry;
		this.statistics = statistics;
		this.transport = transport;
	}

	/**
	 * Describe every topic.
	 * @return the transport, whether it is connected, and the topics by name
	 */
	@ReadOperation
	public StateSyncDescriptor topics() {
		Map<String, TopicDescriptor> topics = new TreeMap<>();
		for (SyncHandle<JsonNode> handle : this.registry.handles()) {
			topics.put(handle.topic(), describe(handle));
		}
		return new StateSyncDescriptor(this.transport.name(), this.transport.isConnected(), topics);
	}

	/**
	 * Describe one topic.
	 * @param topic the topic
	 * @return the topic, or {@code null} (404) if this node does not follow it
	 */
	@ReadOperation
	public @Nullable TopicDescriptor topic(@Selector String topic) {
		SyncHandle<JsonNode> handle = this.registry.handle(topic);
		return (handle != null) ? describe(handle) : null;
	}

	/**
	 * Fetch a topic's snapshot now and apply it if newer, whatever the revisions say.
	 * @param topic the topic
	 * @return the topic after the refresh, or {@code null} (404) if this node does not
	 * follow it
	 */
	@WriteOperation
	public @Nullable TopicDescriptor refresh(@Selector String topic) {
		SyncHandle<JsonNode> handle = this.registry.handle(topic);
		if (handle == null) {
			return null;
		}
		try {
			handle.refresh().get(REFRESH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (CompletionException | java.util.concurrent.ExecutionException | TimeoutException ex) {
			// the outcome shows in the descriptor's last error
		}
		return describe(handle);
	}

	private TopicDescriptor describe(SyncHandle<JsonNode> handle) {
		TopicStatistics.Topic stats = this.statistics.topic(handle.topic());
		Map<InvalidationOutcome, Long> invalidations = new EnumMap<>(InvalidationOutcome.class);
		for (InvalidationOutcome outcome : InvalidationOutcome.values()) {
			invalidations.put(outcome, stats.invalidations(outcome));
		}
		Map<RefreshOutcome, Long> refreshes = new EnumMap<>(RefreshOutcome.class);
		for (RefreshOutcome outcome : RefreshOutcome.values()) {
			refreshes.put(outcome, stats.refreshes(outcome));
		}
		Map<SyncPhase, Long> errors = new EnumMap<>(SyncPhase.class);
		for (SyncPhase phase : SyncPhase.values()) {
			long count = stats.errors(phase);
			if (count > 0) {
				errors.put(phase, count);
			}
		}
		return new TopicDescriptor(handle.localRevision().toString(), handle.announcedRevision().toString(),
				handle.state(), handle.hasSnapshot(), this.transport.name(), this.registry.providerOf(handle.topic()),
				stats.lastApplied(), stats.lastError(),
				new Counts(invalidations, refreshes, errors, stats.coalesced(), stats.retries()));
	}

	/**
	 * Every topic of this node.
	 *
	 * @param transport the transport's name
	 * @param connected whether invalidations can arrive
	 * @param topics the topics by name
	 */
	public record StateSyncDescriptor(String transport, boolean connected, Map<String, TopicDescriptor> topics) {

	}

	/**
	 * One topic.
	 *
	 * @param revision the revision held
	 * @param announcedRevision the highest revision an invalidation announced
	 * @param state the handle's lifecycle state
	 * @param hasSnapshot whether a snapshot was applied
	 * @param transport the transport's name
	 * @param provider where snapshots come from ({@code store}, or the owning service's
	 * URL)
	 * @param lastApplied when the last snapshot was applied
	 * @param lastError the last error
	 * @param counts what happened so far
	 */
	public record TopicDescriptor(String revision, String announcedRevision, SyncHandle.State state,
			boolean hasSnapshot, String transport, String provider, @Nullable Instant lastApplied,
			TopicStatistics.@Nullable LastError lastError, Counts counts) {

	}

	/**
	 * Counts of one topic.
	 *
	 * @param invalidations invalidations by outcome
	 * @param refreshes refreshes by outcome
	 * @param errors errors by phase (phases without errors left out)
	 * @param coalesced refresh requests absorbed by another refresh
	 * @param retries fetches retried
	 */
	public record Counts(Map<InvalidationOutcome, Long> invalidations, Map<RefreshOutcome, Long> refreshes,
			Map<SyncPhase, Long> errors, long coalesced, long retries) {

	}

}
