package io.github.statesync.boot.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.support.Credentials;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.engine.InvalidationOutcome;
import io.github.statesync.core.engine.RefreshOutcome;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncPhase;
import io.github.statesync.core.engine.SyncStatus;
import io.github.statesync.core.engine.TopicStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code statesync} Actuator endpoint: every topic this node follows with its
 * revision, state, status (since when and why), transport, provider, last apply, last
 * error and counts ({@code GET
 * /actuator/statesync}), one topic ({@code GET /actuator/statesync/{topic}}), and a
 * forced refresh of one topic ({@code POST /actuator/statesync/{topic}}), which runs in
 * the background: its outcome is in the topic's {@code refresh} status. Over HTTP,
 * {@link StateSyncEndpointWebExtension} answers that request {@code 202 Accepted}, or
 * {@code 404} for a topic this node does not follow.
 *
 * @author statesync
 * @since 0.1.0
 */
@Endpoint(id = "statesync")
public class StateSyncEndpoint {

	private final SyncedTopicRegistry registry;

	private final TopicStatistics statistics;

	private final StateSyncTransport transport;

	private final Clock clock;

	private final Map<String, RefreshRequests> refreshes = new ConcurrentHashMap<>();

	/**
	 * Create the endpoint.
	 * @param registry the topics
	 * @param statistics what happened to them
	 * @param transport the transport
	 */
	public StateSyncEndpoint(SyncedTopicRegistry registry, TopicStatistics statistics, StateSyncTransport transport) {
		this(registry, statistics, transport, Clock.systemUTC());
	}

	/**
	 * Create the endpoint.
	 * @param registry the topics
	 * @param statistics what happened to them
	 * @param transport the transport
	 * @param clock the clock for the times of refresh requests
	 */
	public StateSyncEndpoint(SyncedTopicRegistry registry, TopicStatistics statistics, StateSyncTransport transport,
			Clock clock) {
		this.registry = registry;
		this.statistics = statistics;
		this.transport = transport;
		this.clock = clock;
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
	 * Ask for a refresh of a topic: fetch its snapshot and apply it if newer, whatever
	 * the revisions say. Returns at once; the refresh runs in the background and its
	 * outcome shows in the topic's {@link TopicDescriptor#refresh() refresh} status.
	 * Requests while one asked for here is in flight and another queued join the queued
	 * one, as the engine does, so that any number of requests costs at most two fetches.
	 * @param topic the topic
	 * @return the topic's refresh status, or {@code null} if this node does not follow it
	 */
	@WriteOperation
	public @Nullable RefreshDescriptor refresh(@Selector String topic) {
		SyncHandle<JsonNode> handle = this.registry.handle(topic);
		if (handle == null) {
			return null;
		}
		return this.refreshes.computeIfAbsent(topic, (name) -> new RefreshRequests()).request(handle, this.clock);
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
		SyncStatus status = handle.status();
		String cause = status.cause();
		return new TopicDescriptor(handle.localRevision().toString(), handle.announcedRevision().toString(),
				handle.state(), status.status(), status.since(), (cause != null) ? Credentials.mask(cause) : null,
				handle.hasSnapshot(), this.transport.name(), this.registry.providerOf(handle.topic()),
				stats.lastApplied(), stats.lastError(),
				new Counts(invalidations, refreshes, errors, stats.coalesced(), stats.retries()), refreshOf(handle));
	}

	private @Nullable RefreshDescriptor refreshOf(SyncHandle<JsonNode> handle) {
		RefreshRequests requests = this.refreshes.get(handle.topic());
		return (requests != null) ? requests.describe() : null;
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
	 * @param status whether what the topic holds can be trusted to be the fleet's
	 * @param statusSince when the topic entered its status
	 * @param statusCause why it is in it (credentials in URLs masked), {@code null} when
	 * there is nothing to say
	 * @param hasSnapshot whether a snapshot was applied
	 * @param transport the transport's name
	 * @param provider where snapshots come from ({@code store}, or the owning service's
	 * URL)
	 * @param lastApplied when the last snapshot was applied
	 * @param lastError the last error
	 * @param counts what happened so far
	 * @param refresh the last refresh asked for through this endpoint, or {@code null} if
	 * none was
	 */
	public record TopicDescriptor(String revision, String announcedRevision, SyncHandle.State state, TopicStatus status,
			Instant statusSince, @Nullable String statusCause, boolean hasSnapshot, String transport, String provider,
			@Nullable Instant lastApplied, TopicStatistics.@Nullable LastError lastError, Counts counts,
			@Nullable RefreshDescriptor refresh) {

	}

	/**
	 * The last refresh asked for through the endpoint.
	 *
	 * @param requested when it was last asked for
	 * @param ended when it ended, {@code null} while pending
	 * @param outcome how it ended, or {@link RefreshOutcomeStatus#PENDING}
	 * @param error why it failed: the exception's simple class name and message,
	 * credentials in URLs masked; {@code null} unless it failed
	 */
	public record RefreshDescriptor(Instant requested, @Nullable Instant ended, RefreshOutcomeStatus outcome,
			@Nullable String error) {

	}

	/**
	 * Where a requested refresh stands.
	 */
	public enum RefreshOutcomeStatus {

		/**
		 * Asked for, not ended yet.
		 */
		PENDING,

		/**
		 * Ended without error: the snapshot was fetched and applied, or found not newer.
		 */
		SUCCEEDED,

		/**
		 * Ended with an error, also in the topic's last error.
		 */
		FAILED

	}

	/**
	 * The refreshes of one topic asked for here. Mirrors the engine's coalescing (one in
	 * flight, one queued) so that a flood of requests holds no more than two futures.
	 * Guarded by {@code this}, held only to update fields.
	 */
	private static final class RefreshRequests {

		private static final int MAX_OUTSTANDING = 2;

		private int outstanding;

		private long latest;

		private @Nullable RefreshDescriptor status;

		RefreshDescriptor request(SyncHandle<JsonNode> handle, Clock clock) {
			long sequence;
			RefreshDescriptor requested;
			synchronized (this) {
				requested = new RefreshDescriptor(clock.instant(), null, RefreshOutcomeStatus.PENDING, null);
				this.status = requested;
				if (this.outstanding >= MAX_OUTSTANDING) {
					// one in flight, one queued: this request joins the queued one
					return requested;
				}
				this.outstanding++;
				sequence = ++this.latest;
			}
			CompletableFuture<Void> refresh;
			try {
				refresh = handle.refresh();
			}
			catch (RuntimeException ex) {
				refresh = CompletableFuture.failedFuture(ex);
			}
			refresh.whenComplete((result, failure) -> ended(sequence, failure, clock));
			return requested;
		}

		private synchronized void ended(long sequence, @Nullable Throwable failure, Clock clock) {
			this.outstanding--;
			RefreshDescriptor current = this.status;
			// the outcome of the latest request is the one to show
			if (sequence == this.latest && current != null) {
				Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure;
				this.status = new RefreshDescriptor(current.requested(), clock.instant(),
						(cause != null) ? RefreshOutcomeStatus.FAILED : RefreshOutcomeStatus.SUCCEEDED,
						(cause != null) ? cause.getClass().getSimpleName() + ": " + Credentials.mask(cause.getMessage())
								: null);
			}
		}

		synchronized @Nullable RefreshDescriptor describe() {
			return this.status;
		}

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
