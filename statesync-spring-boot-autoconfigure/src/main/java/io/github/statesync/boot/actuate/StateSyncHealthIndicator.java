package io.github.statesync.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.support.Credentials;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.transport.RedisStateSyncTransport;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncStatus;
import io.github.statesync.core.engine.TopicStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.ClassUtils;

/**
 * Health of statesync, from memory only: {@code DOWN} while the subscription is
 * disconnected or a required topic has no snapshot or cannot subscribe; otherwise
 * {@code UP}. Each topic shows in the details: {@code UP} with a snapshot and its
 * subscription, {@code DOWN} if it is required and has none of them, {@code UNKNOWN} if
 * it is not required and never loaded or Redis refuses its subscription (which does not
 * take the application down). A topic without a snapshot says so
 * ({@code snapshot: false}), one whose subscription Redis refuses says so too
 * ({@code subscribed: false}, with Redis's answer and the fix), both with the reason and
 * the last error. {@code connected} is {@code false} while any topic cannot receive
 * invalidations.
 * <p>
 * Each topic also shows its {@link TopicStatus} ({@code syncStatus}, since when, and why
 * in {@code reason}), and the details count the topics that are {@code stale} and
 * {@code onArchive}. A {@link TopicStatus#STALE STALE} topic still serves what it holds:
 * it is {@code UNKNOWN}, which leaves the application {@code UP}, unless it is required,
 * then it is {@code DOWN} and so is the application (a required topic is one the
 * application must not run without current data of). A topic
 * {@link TopicStatus#ON_ARCHIVE ON_ARCHIVE} runs on its last-known-good snapshot, which
 * is what that snapshot is kept for: it stays {@code UP} and says so.
 *
 * @author statesync
 * @since 0.1.0
 */
public class StateSyncHealthIndicator extends AbstractHealthIndicator {

	private static final boolean REDIS_PRESENT = ClassUtils.isPresent(
			"io.github.statesync.redis.RedisInvalidationSubscriber", StateSyncHealthIndicator.class.getClassLoader());

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
		Function<String, @Nullable String> refusals = (topic) -> null;
		boolean up = connected;
		if (REDIS_PRESENT && RedisSubscriptions.isRedis(this.transport)) {
			// a channel Redis refuses takes its own topic down, not the connection
			up = RedisSubscriptions.isPubSubConnected(this.transport);
			refusals = RedisSubscriptions.refusals(this.transport);
		}
		Map<String, Object> topics = new TreeMap<>();
		int stale = 0;
		int onArchive = 0;
		for (SyncHandle<JsonNode> handle : this.registry.handles()) {
			boolean required = this.registry.isRequired(handle.topic());
			@Nullable String refused = refusals.apply(handle.topic());
			SyncStatus syncStatus = handle.status();
			boolean isStale = syncStatus.status() == TopicStatus.STALE;
			stale += isStale ? 1 : 0;
			onArchive += (syncStatus.status() == TopicStatus.ON_ARCHIVE) ? 1 : 0;
			Status status;
			if (handle.hasSnapshot() && handle.state() == SyncHandle.State.RUNNING && refused == null && !isStale) {
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
			details.put("syncStatus", syncStatus.status().name());
			details.put("syncStatusSince", syncStatus.since().toString());
			String cause = syncStatus.cause();
			if (refused != null) {
				details.put("subscribed", false);
				details.put("reason", "receives no invalidations: " + refused);
			}
			else if (!handle.hasSnapshot()) {
				details.put("reason", "no snapshot applied yet: the topic runs on its defaults");
			}
			else if (cause != null) {
				details.put("reason", Credentials.mask(cause));
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
			.withDetail("stale", stale)
			.withDetail("onArchive", onArchive)
			.withDetail("topics", topics);
	}

	/**
	 * Touches the Redis transport only when statesync-redis is on the classpath.
	 */
	private static final class RedisSubscriptions {

		static boolean isRedis(StateSyncTransport transport) {
			return transport instanceof RedisStateSyncTransport;
		}

		static boolean isPubSubConnected(StateSyncTransport transport) {
			return ((RedisStateSyncTransport) transport).isPubSubConnected();
		}

		static Function<String, @Nullable String> refusals(StateSyncTransport transport) {
			return ((RedisStateSyncTransport) transport)::subscriptionFailure;
		}

	}

}
