package io.github.statesync.boot.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.github.statesync.boot.ApplyMode;
import io.github.statesync.core.engine.ApplyOn;
import io.github.statesync.core.engine.RegressionPolicy;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of statesync. Per-topic settings under {@code statesync.topics.<name>}
 * override {@code statesync.defaults}; a setting left unset in both takes the default
 * documented on {@code statesync.defaults}.
 *
 * @author statesync
 * @since 0.1.0
 */
@ConfigurationProperties("statesync")
public class StateSyncProperties {

	/**
	 * Whether to enable statesync.
	 */
	private boolean enabled = true;

	/**
	 * Transport for invalidations and the default snapshot store. Defaults to 'redis'
	 * when the Redis transport is on the classpath and a Redis connection factory exists,
	 * else 'local'.
	 */
	private @Nullable Transport transport;

	/**
	 * Id of this node, sent as the source of every invalidation it publishes. Defaults to
	 * the application name followed by a random suffix.
	 */
	private @Nullable String nodeId;

	/**
	 * Longest time the application start waits for every topic's first snapshot.
	 */
	private Duration startupTimeout = Duration.ofSeconds(30);

	/**
	 * Mean time between two reconciliations: one batched read of the revision of every
	 * topic followed through the store, and a refresh of those this node missed (a lost
	 * invalidation). Each period is drawn at random between half and one and a half times
	 * it. Zero turns reconciliation off.
	 */
	private Duration reconcileInterval = Duration.ofSeconds(15);

	/**
	 * Largest number of topics this node follows, bean and configured ones together; more
	 * fail the start.
	 */
	private int maxTopics = 10_000;

	/**
	 * Directory that keeps the last-known-good snapshot of every topic with
	 * 'last-known-good' enabled. Relative paths resolve against the working directory.
	 */
	private Path lastKnownGoodDirectory = Path.of("statesync-last-known-good");

	/**
	 * Redis transport settings.
	 */
	private final Redis redis = new Redis();

	/**
	 * Settings every topic inherits unless it sets its own.
	 */
	@NestedConfigurationProperty
	private final Topic defaults = new Topic();

	/**
	 * Per-topic settings, by topic name. A topic listed here without a @SyncedTopic bean
	 * still syncs, into a SyncedValue of the configured type.
	 */
	private final Map<String, Topic> topics = new LinkedHashMap<>();

	/**
	 * Serving this node's topics over HTTP to services that fetch them with the 'rest'
	 * provider.
	 */
	private final Rest rest = new Rest();

	/**
	 * Micrometer meters.
	 */
	private final Metrics metrics = new Metrics();

	/**
	 * Fleet view: nodes report the revisions they hold to Redis.
	 */
	private final Fleet fleet = new Fleet();

	/**
	 * Topic history on the Actuator endpoint ('GET /actuator/statesync/{topic}/history',
	 * 'POST /actuator/statesync/{topic}/rollback'). Which topics keep history is set per
	 * topic ('history').
	 */
	private final HistoryEndpoint historyEndpoint = new HistoryEndpoint();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Transport getTransport() {
		return this.transport;
	}

	public void setTransport(@Nullable Transport transport) {
		this.transport = transport;
	}

	public @Nullable String getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable String nodeId) {
		this.nodeId = nodeId;
	}

	/**
	 * Return this node's id: {@code statesync.node-id} when set, else
	 * {@code spring.application.name} (or {@code statesync}) with a random suffix, new at
	 * every call.
	 * @param environment the environment that names the application
	 * @return the node id
	 */
	public String determineNodeId(Environment environment) {
		if (this.nodeId != null && !this.nodeId.isBlank()) {
			return this.nodeId;
		}
		byte[] suffix = new byte[3];
		ThreadLocalRandom.current().nextBytes(suffix);
		return environment.getProperty("spring.application.name", "statesync") + "-" + HexFormat.of().formatHex(suffix);
	}

	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	public Duration getReconcileInterval() {
		return this.reconcileInterval;
	}

	public void setReconcileInterval(Duration reconcileInterval) {
		this.reconcileInterval = reconcileInterval;
	}

	public int getMaxTopics() {
		return this.maxTopics;
	}

	public void setMaxTopics(int maxTopics) {
		this.maxTopics = maxTopics;
	}

	public Path getLastKnownGoodDirectory() {
		return this.lastKnownGoodDirectory;
	}

	public void setLastKnownGoodDirectory(Path lastKnownGoodDirectory) {
		this.lastKnownGoodDirectory = lastKnownGoodDirectory;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Topic getDefaults() {
		return this.defaults;
	}

	public Map<String, Topic> getTopics() {
		return this.topics;
	}

	public Rest getRest() {
		return this.rest;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Fleet getFleet() {
		return this.fleet;
	}

	public HistoryEndpoint getHistoryEndpoint() {
		return this.historyEndpoint;
	}

	/**
	 * What the Actuator endpoint shows of topics' history and whether it rolls back.
	 */
	public static class HistoryEndpoint {

		/**
		 * When to show the data of history entries and diffs between revisions: 'never',
		 * 'when-authorized' (an authenticated caller with one of 'roles', or any
		 * authenticated caller when no roles are set) or 'always'. The metadata
		 * (revisions, node, principal, time, size, digest) is always shown.
		 */
		private ShowData showData = ShowData.NEVER;

		/**
		 * Roles a caller needs to see data when 'show-data' is 'when-authorized', and to
		 * roll back. Empty: any authenticated caller for data; anyone the Actuator lets
		 * through for rollback.
		 */
		private Set<String> roles = new LinkedHashSet<>();

		/**
		 * Whether the endpoint accepts rollbacks ('POST
		 * /actuator/statesync/{topic}/rollback'). Off, it answers 403 naming this
		 * property.
		 */
		private boolean rollbackEnabled;

		public ShowData getShowData() {
			return this.showData;
		}

		public void setShowData(ShowData showData) {
			this.showData = showData;
		}

		public Set<String> getRoles() {
			return this.roles;
		}

		public void setRoles(Set<String> roles) {
			this.roles = roles;
		}

		public boolean isRollbackEnabled() {
			return this.rollbackEnabled;
		}

		public void setRollbackEnabled(boolean rollbackEnabled) {
			this.rollbackEnabled = rollbackEnabled;
		}

	}

	/**
	 * When the endpoint shows topic data.
	 */
	public enum ShowData {

		/**
		 * Never.
		 */
		NEVER,

		/**
		 * To authenticated callers, with one of the configured roles if any are set.
		 */
		WHEN_AUTHORIZED,

		/**
		 * To every caller the Actuator lets through.
		 */
		ALWAYS

	}

	/**
	 * Transports for invalidations.
	 */
	public enum Transport {

		/**
		 * Redis pub/sub for invalidations, Redis for snapshots.
		 */
		REDIS,

		/**
		 * A Spring Messaging channel and an in-memory store inside this JVM (tests,
		 * single node).
		 */
		LOCAL

	}

	/**
	 * Where a topic fetches its snapshots.
	 */
	public enum Provider {

		/**
		 * The transport's own store (Redis, or in memory for the local transport).
		 */
		STORE,

		/**
		 * The owning service over HTTP, at '{url}/statesync/topics/{topic}'.
		 */
		REST

	}

	/**
	 * Redis transport settings.
	 */
	public static class Redis {

		/**
		 * Prefix of every key and channel statesync uses in Redis.
		 */
		private String keyPrefix = "statesync:";

		/**
		 * Longest time a publish waits for Redis.
		 */
		private Duration publishTimeout = Duration.ofSeconds(5);

		/**
		 * Time between two proofs that the pub/sub connection is alive (a PING on it); a
		 * connection that does not answer within the liveness timeout is dropped,
		 * reconnected, and every topic resyncs. 0 disables the probe.
		 */
		private Duration livenessInterval = Duration.ofSeconds(5);

		/**
		 * Longest wait for the pub/sub connection to answer a liveness probe. A half-open
		 * connection is found within liveness-interval + liveness-timeout.
		 */
		private Duration livenessTimeout = Duration.ofSeconds(4);

		/**
		 * How invalidations travel: 'auto' uses sharded pub/sub (SPUBLISH and SSUBSCRIBE,
		 * so an invalidation stays on its topic's shard) on a Redis Cluster whose masters
		 * all run Redis 7 or later, classic pub/sub otherwise; 'sharded' needs Redis
		 * Cluster 7+; 'classic' (PUBLISH and SUBSCRIBE) works everywhere. Every node of a
		 * fleet must use the same mode.
		 */
		private PubSub pubsub = PubSub.AUTO;

		/**
		 * Where snapshots are read: 'upstream' reads them from the masters;
		 * 'replica-preferred' reads them from replicas when one is available (Redis
		 * Cluster only), at the cost of a fetch retried when a replica lags behind the
		 * announced revision. Writes and reconciliation always use the masters.
		 */
		private ReadFrom readFrom = ReadFrom.UPSTREAM;

		public PubSub getPubsub() {
			return this.pubsub;
		}

		public void setPubsub(PubSub pubsub) {
			this.pubsub = pubsub;
		}

		public ReadFrom getReadFrom() {
			return this.readFrom;
		}

		public void setReadFrom(ReadFrom readFrom) {
			this.readFrom = readFrom;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getPublishTimeout() {
			return this.publishTimeout;
		}

		public void setPublishTimeout(Duration publishTimeout) {
			this.publishTimeout = publishTimeout;
		}

		public Duration getLivenessInterval() {
			return this.livenessInterval;
		}

		public void setLivenessInterval(Duration livenessInterval) {
			this.livenessInterval = livenessInterval;
		}

		public Duration getLivenessTimeout() {
			return this.livenessTimeout;
		}

		public void setLivenessTimeout(Duration livenessTimeout) {
			this.livenessTimeout = livenessTimeout;
		}

		/**
		 * Redis pub/sub flavours.
		 */
		public enum PubSub {

			/**
			 * Sharded on a Redis Cluster whose masters all run Redis 7+, classic
			 * otherwise.
			 */
			AUTO,

			/**
			 * SPUBLISH and SSUBSCRIBE on the shard owning each topic (Redis Cluster 7+).
			 */
			SHARDED,

			/**
			 * PUBLISH and SUBSCRIBE (broadcast to every node of a cluster).
			 */
			CLASSIC

		}

		/**
		 * Where snapshots are read.
		 */
		public enum ReadFrom {

			/**
			 * From the masters.
			 */
			UPSTREAM,

			/**
			 * From a replica when one is available, else from the master (Redis Cluster).
			 */
			REPLICA_PREFERRED

		}

	}

	/**
	 * Fleet view: every node reports the revision it holds of each topic to Redis, so
	 * that any node can tell which nodes lag behind.
	 */
	public static class Fleet {

		/**
		 * Whether this node reports the revisions it holds to Redis and serves the
		 * 'statesyncfleet' endpoint. Needs the Redis transport.
		 */
		private boolean enabled = false;

		/**
		 * Time between two reports of this node: the longest an apply takes to show in
		 * the fleet view. A report writes only the topics applied since the last one.
		 */
		private Duration reportInterval = Duration.ofSeconds(5);

		/**
		 * How long a node's report outlives its last report: the longest a node that died
		 * stays in the fleet view. Must be longer than the report interval.
		 */
		private Duration ttl = Duration.ofSeconds(30);

		/**
		 * Longest time a read of the fleet view may take.
		 */
		private Duration readTimeout = Duration.ofSeconds(10);

		/**
		 * Most node-topic entries a read of the whole fleet view reads; past it, the view
		 * lists the nodes only and each topic's view tells its laggards.
		 */
		private long maxViewEntries = 100_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getReportInterval() {
			return this.reportInterval;
		}

		public void setReportInterval(Duration reportInterval) {
			this.reportInterval = reportInterval;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getReadTimeout() {
			return this.readTimeout;
		}

		public void setReadTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
		}

		public long getMaxViewEntries() {
			return this.maxViewEntries;
		}

		public void setMaxViewEntries(long maxViewEntries) {
			this.maxViewEntries = maxViewEntries;
		}

	}

	/**
	 * Micrometer meters.
	 */
	public static class Metrics {

		/**
		 * Whether to register the statesync meters when a MeterRegistry exists.
		 */
		private boolean enabled = true;

		/**
		 * Whether meters carry the topic name as a tag; when false every meter is tagged
		 * 'topic=_all'.
		 */
		private boolean topicTag = true;

		/**
		 * Most distinct topic tag values; further topics share the value '_other'.
		 */
		private int maxTaggedTopics = 100;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isTopicTag() {
			return this.topicTag;
		}

		public void setTopicTag(boolean topicTag) {
			this.topicTag = topicTag;
		}

		public int getMaxTaggedTopics() {
			return this.maxTaggedTopics;
		}

		public void setMaxTaggedTopics(int maxTaggedTopics) {
			this.maxTaggedTopics = maxTaggedTopics;
		}

	}

	/**
	 * Serving topics over HTTP.
	 */
	public static class Rest {

		/**
		 * Whether to serve 'GET /statesync/topics/{topic}' with this node's current
		 * snapshot, and the event stream at 'GET /statesync/events'.
		 */
		private boolean enabled;

		/**
		 * Topics served. None are served until listed; '*' serves every topic this node
		 * follows.
		 */
		private Set<String> topics = new LinkedHashSet<>();

		private final Stream stream = new Stream();

		private final Cors cors = new Cors();

		private final Stomp stomp = new Stomp();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Set<String> getTopics() {
			return this.topics;
		}

		public void setTopics(Set<String> topics) {
			this.topics = topics;
		}

		public Stream getStream() {
			return this.stream;
		}

		public Cors getCors() {
			return this.cors;
		}

		public Stomp getStomp() {
			return this.stomp;
		}

		/**
		 * The event stream at 'GET /statesync/events?topics=a,b': server-sent events, one
		 * per revision this node applies of a served topic.
		 */
		public static class Stream {

			/**
			 * Whether to serve the event stream beside the snapshot endpoint.
			 */
			private boolean enabled = true;

			/**
			 * Interval of the comment heartbeats that keep proxies from closing idle
			 * streams.
			 */
			private Duration heartbeat = Duration.ofSeconds(15);

			/**
			 * Events a stream may hold for a client that does not read them; a stream
			 * whose client falls further behind is closed (the client reconnects and
			 * resyncs).
			 */
			private int bufferSize = 64;

			/**
			 * Maximum number of open streams on this node; a stream over it answers 503
			 * with Retry-After.
			 */
			private int maxStreams = 1000;

			/**
			 * Delay a client refused for the maximum number of streams is asked to wait
			 * (Retry-After).
			 */
			private Duration retryAfter = Duration.ofSeconds(5);

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public Duration getHeartbeat() {
				return this.heartbeat;
			}

			public void setHeartbeat(Duration heartbeat) {
				this.heartbeat = heartbeat;
			}

			public int getBufferSize() {
				return this.bufferSize;
			}

			public void setBufferSize(int bufferSize) {
				this.bufferSize = bufferSize;
			}

			public int getMaxStreams() {
				return this.maxStreams;
			}

			public void setMaxStreams(int maxStreams) {
				this.maxStreams = maxStreams;
			}

			public Duration getRetryAfter() {
				return this.retryAfter;
			}

			public void setRetryAfter(Duration retryAfter) {
				this.retryAfter = retryAfter;
			}

		}

		/**
		 * Cross-origin access to the snapshot endpoint and the event stream. Nothing is
		 * allowed until origins are listed; 'ETag' is always exposed.
		 */
		public static class Cors {

			/**
			 * Origins allowed to read the endpoints, for example 'https://app.example'.
			 * None by default.
			 */
			private List<String> allowedOrigins = new ArrayList<>();

			/**
			 * Origin patterns allowed to read the endpoints, for example
			 * 'https://*.example'. None by default.
			 */
			private List<String> allowedOriginPatterns = new ArrayList<>();

			/**
			 * Methods allowed.
			 */
			private List<String> allowedMethods = new ArrayList<>(List.of("GET", "HEAD"));

			/**
			 * Request headers allowed: by default the two the protocol sends,
			 * 'If-None-Match' (snapshot) and 'Last-Event-ID' (stream reconnect).
			 */
			private List<String> allowedHeaders = new ArrayList<>(List.of("If-None-Match", "Last-Event-ID"));

			/**
			 * How long a browser may cache a preflight's answer.
			 */
			private Duration maxAge = Duration.ofMinutes(30);

			/**
			 * Whether credentials (cookies, HTTP authentication) are sent cross-origin.
			 * Needs explicit origins or origin patterns.
			 */
			private boolean allowCredentials;

			public List<String> getAllowedOrigins() {
				return this.allowedOrigins;
			}

			public void setAllowedOrigins(List<String> allowedOrigins) {
				this.allowedOrigins = allowedOrigins;
			}

			public List<String> getAllowedOriginPatterns() {
				return this.allowedOriginPatterns;
			}

			public void setAllowedOriginPatterns(List<String> allowedOriginPatterns) {
				this.allowedOriginPatterns = allowedOriginPatterns;
			}

			public List<String> getAllowedMethods() {
				return this.allowedMethods;
			}

			public void setAllowedMethods(List<String> allowedMethods) {
				this.allowedMethods = allowedMethods;
			}

			public List<String> getAllowedHeaders() {
				return this.allowedHeaders;
			}

			public void setAllowedHeaders(List<String> allowedHeaders) {
				this.allowedHeaders = allowedHeaders;
			}

			public Duration getMaxAge() {
				return this.maxAge;
			}

			public void setMaxAge(Duration maxAge) {
				this.maxAge = maxAge;
			}

			public boolean isAllowCredentials() {
				return this.allowCredentials;
			}

			public void setAllowCredentials(boolean allowCredentials) {
				this.allowCredentials = allowCredentials;
			}

		}

		/**
		 * Invalidations relayed to the application's STOMP broker.
		 */
		public static class Stomp {

			/**
			 * Whether to send each revision applied of a served topic to
			 * '/topic/statesync.<topic>' when the application has a STOMP broker (a
			 * SimpMessagingTemplate bean).
			 */
			private boolean enabled = true;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

		}

	}

	/**
	 * Settings of one topic, or the defaults of all. Unset values inherit.
	 */
	public static class Topic {

		/**
		 * Where the topic fetches its snapshots. Default: 'store'.
		 */
		private @Nullable Provider provider;

		/**
		 * Base URL of the owning service, for the 'rest' provider. Must not carry
		 * credentials: use 'auth'.
		 */
		private @Nullable URI url;

		/**
		 * Type of the topic's data, for a topic without a @SyncedTopic bean. Default: a
		 * JSON tree (tools.jackson.databind.JsonNode).
		 */
		private @Nullable Class<?> type;

		/**
		 * How snapshots are applied to the bean. Default: the annotation's, else 'patch'.
		 */
		private @Nullable ApplyMode mode;

		/**
		 * Whether the application fails to start when the topic's first snapshot cannot
		 * be loaded. Default: the annotation's, else false.
		 */
		private @Nullable Boolean required;

		/**
		 * Whether every applied snapshot is also written to the last-known-good
		 * directory, so that a start while the source is unreachable (or empty) applies
		 * it instead of the bean's defaults. Default: false.
		 */
		private @Nullable Boolean lastKnownGood;

		/**
		 * Silence to wait for after an invalidation before refreshing. Default: none.
		 */
		private @Nullable Duration debounce;

		/**
		 * Minimum interval between refreshes. Default: none.
		 */
		private @Nullable Duration throttle;

		/**
		 * Whether the first invalidation of a throttle window refreshes at once. Default:
		 * true.
		 */
		private @Nullable Boolean leading;

		/**
		 * Whether a throttle window that saw invalidations refreshes at its end. Default:
		 * true.
		 */
		private @Nullable Boolean trailing;

		/**
		 * Interval of refreshes whatever the invalidations say, the last safety net.
		 * Default: none.
		 */
		private @Nullable Duration pollInterval;

		/**
		 * Longest time one fetch may take. Default: 10s.
		 */
		private @Nullable Duration fetchTimeout;

		/**
		 * How long a topic may know of a newer revision it has not applied, or fail to
		 * reach its source, before its status turns STALE (shown in health, the statesync
		 * endpoint and a StateSyncStatusChangedEvent). Default: 30s.
		 */
		private @Nullable Duration staleAfter;

		/**
		 * What a node does when its source, asked twice, holds an older revision than the
		 * node applied (Redis restored from an older backup, a fail-over that lost
		 * writes): 'follow' applies the source's snapshot so the fleet agrees again,
		 * 'hold' keeps the node's snapshot until a newer write. Both report the
		 * regression. Default: follow.
		 */
		private @Nullable RegressionPolicy onRegression;

		/**
		 * Where fetched snapshots, and snapshots carried inline, are applied: 'scheduler'
		 * on statesync's own threads, so a blocking applier or listener never stalls the
		 * Redis connection's I/O thread that delivers every topic; 'delivering-thread' on
		 * the thread that delivered them, which saves a hand-off of tens of microseconds
		 * and suits topics whose listeners never block. A topic whose applies take longer
		 * than 10ms there three times falls back to 'scheduler', with a warning. Default:
		 * scheduler.
		 */
		private @Nullable ApplyOn applyOn;

		/**
		 * Largest accepted invalidation or snapshot. Default: 1MB.
		 */
		private @Nullable DataSize maxPayloadSize;

		/**
		 * Largest snapshot data, as JSON, that a publish of the topic also carries inside
		 * its invalidation, so that readers apply it without fetching it (an optional
		 * 'data' member that other state-sync clients ignore). Larger data is only
		 * stored. Default: 0B (never inline).
		 */
		private @Nullable DataSize inlineMaxSize;

		/**
		 * Version of the topic's schema this node reads and writes (its type's). Older
		 * snapshots are migrated up to it by SnapshotMigration beans, newer ones are
		 * refused and this node keeps its state, and every publish of the topic from this
		 * node is stamped with it. Overrides @SyncedTopic(schemaVersion). Per topic only,
		 * never under statesync.defaults. Default: the annotation's, else 1.
		 */
		private @Nullable Integer schemaVersion;

		/**
		 * Number of past snapshots the store keeps of the topic, with their revision,
		 * writer, principal, time, size and digest, for history, diffs and rollback. Kept
		 * by the same atomic write that publishes. Default: 0 (no history).
		 */
		private @Nullable Integer history;

		/**
		 * Most bytes the topic's history entries take together in the store; the oldest
		 * are dropped first (the newest is always kept). Default: 1MB.
		 */
		private @Nullable DataSize historyMaxSize;

		/**
		 * Retry of failed or lagging fetches.
		 */
		private final Retry retry = new Retry();

		/**
		 * Authentication of the 'rest' provider to the owning service. A topic that sets
		 * any of these uses its own and none of the defaults'.
		 */
		private final Auth auth = new Auth();

		public @Nullable Provider getProvider() {
			return this.provider;
		}

		public void setProvider(@Nullable Provider provider) {
			this.provider = provider;
		}

		public @Nullable URI getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable URI url) {
			this.url = url;
		}

		public @Nullable Class<?> getType() {
			return this.type;
		}

		public void setType(@Nullable Class<?> type) {
			this.type = type;
		}

		public @Nullable ApplyMode getMode() {
			return this.mode;
		}

		public void setMode(@Nullable ApplyMode mode) {
			this.mode = mode;
		}

		public @Nullable Boolean getRequired() {
			return this.required;
		}

		public void setRequired(@Nullable Boolean required) {
			this.required = required;
		}

		public @Nullable Boolean getLastKnownGood() {
			return this.lastKnownGood;
		}

		public void setLastKnownGood(@Nullable Boolean lastKnownGood) {
			this.lastKnownGood = lastKnownGood;
		}

		public @Nullable Integer getSchemaVersion() {
			return this.schemaVersion;
		}

		public void setSchemaVersion(@Nullable Integer schemaVersion) {
			this.schemaVersion = schemaVersion;
		}

		public @Nullable Integer getHistory() {
			return this.history;
		}

		public void setHistory(@Nullable Integer history) {
			this.history = history;
		}

		public @Nullable DataSize getHistoryMaxSize() {
			return this.historyMaxSize;
		}

		public void setHistoryMaxSize(@Nullable DataSize historyMaxSize) {
			this.historyMaxSize = historyMaxSize;
		}

		public @Nullable DataSize getInlineMaxSize() {
			return this.inlineMaxSize;
		}

		public void setInlineMaxSize(@Nullable DataSize inlineMaxSize) {
			this.inlineMaxSize = inlineMaxSize;
		}

		public @Nullable Duration getDebounce() {
			return this.debounce;
		}

		public void setDebounce(@Nullable Duration debounce) {
			this.debounce = debounce;
		}

		public @Nullable Duration getThrottle() {
			return this.throttle;
		}

		public void setThrottle(@Nullable Duration throttle) {
			this.throttle = throttle;
		}

		public @Nullable Boolean getLeading() {
			return this.leading;
		}

		public void setLeading(@Nullable Boolean leading) {
			this.leading = leading;
		}

		public @Nullable Boolean getTrailing() {
			return this.trailing;
		}

		public void setTrailing(@Nullable Boolean trailing) {
			this.trailing = trailing;
		}

		public @Nullable Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(@Nullable Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public @Nullable Duration getFetchTimeout() {
			return this.fetchTimeout;
		}

		public void setFetchTimeout(@Nullable Duration fetchTimeout) {
			this.fetchTimeout = fetchTimeout;
		}

		public @Nullable Duration getStaleAfter() {
			return this.staleAfter;
		}

		public void setStaleAfter(@Nullable Duration staleAfter) {
			this.staleAfter = staleAfter;
		}

		public @Nullable RegressionPolicy getOnRegression() {
			return this.onRegression;
		}

		public void setOnRegression(@Nullable RegressionPolicy onRegression) {
			this.onRegression = onRegression;
		}

		public @Nullable ApplyOn getApplyOn() {
			return this.applyOn;
		}

		public void setApplyOn(@Nullable ApplyOn applyOn) {
			this.applyOn = applyOn;
		}

		public @Nullable DataSize getMaxPayloadSize() {
			return this.maxPayloadSize;
		}

		public void setMaxPayloadSize(@Nullable DataSize maxPayloadSize) {
			this.maxPayloadSize = maxPayloadSize;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public Auth getAuth() {
			return this.auth;
		}

	}

	/**
	 * Authentication of the 'rest' provider: HTTP basic (username and password) or a
	 * bearer token. For anything else (OAuth2 and the like) define a
	 * StateSyncRestClientCustomizer bean.
	 */
	public static class Auth {

		/**
		 * User name for HTTP basic authentication.
		 */
		private @Nullable String username;

		/**
		 * Password for HTTP basic authentication.
		 */
		private @Nullable String password;

		/**
		 * Bearer token sent as 'Authorization: Bearer <token>'.
		 */
		private @Nullable String bearerToken;

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable String getBearerToken() {
			return this.bearerToken;
		}

		public void setBearerToken(@Nullable String bearerToken) {
			this.bearerToken = bearerToken;
		}

		boolean isSet() {
			return this.username != null || this.password != null || this.bearerToken != null;
		}

		@Override
		public String toString() {
			return "Auth[username=" + this.username + ", password=" + ((this.password != null) ? "******" : null)
					+ ", bearerToken=" + ((this.bearerToken != null) ? "******" : null) + "]";
		}

	}

	/**
	 * Retry of failed or lagging fetches: exponential back-off with full jitter.
	 */
	public static class Retry {

		/**
		 * Most fetches one refresh makes, the first included. Default: 5.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Delay bound before the second attempt. Default: 100ms.
		 */
		private @Nullable Duration initialDelay;

		/**
		 * Growth of the delay bound per attempt. Default: 2.
		 */
		private @Nullable Double multiplier;

		/**
		 * Largest delay bound. Default: 5s.
		 */
		private @Nullable Duration maxDelay;

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(@Nullable Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public @Nullable Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(@Nullable Double multiplier) {
			this.multiplier = multiplier;
		}

		public @Nullable Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(@Nullable Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

}
