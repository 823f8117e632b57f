package io.github.statesync.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;

/**
 * Reads what the nodes of the fleet reported with {@link RedisFleetReporter}: every live
 * node, the revision it holds of each topic, and the laggards: nodes holding a revision
 * below the highest any node holds or below the source's own revision.
 * <p>
 * A node is live while its report hash exists (its key expires a TTL after its last
 * report). Reads are pipelined on one connection: {@link #topic(String)} costs
 * {@code 2 + nodes} commands ({@code SMEMBERS}, one {@code HMGET} per node, one
 * {@code GET} of the source's revision); {@link #fleet()} reads every node's whole hash
 * ({@code HGETALL}) and the source revision of every reported topic ({@code MGET} by
 * 1,000), so its cost grows with nodes times topics. Node ids whose hash expired are
 * removed from the node set as they are found.
 *
 * @author statesync
 * @since 0.2.0
 */
public final class RedisFleetView {

	private static final int MGET_BATCH = 1_000;

	private static final int CONCURRENCY = 256;

	private final ReactiveRedisTemplate<String, String> redis;

	private final RedisTopicKeys keys;

	private final Duration timeout;

	private final long maxEntries;

	/**
	 * Create a view.
	 * @param connectionFactory the Redis connections
	 * @param keys the key prefix the reporters use
	 * @param timeout the longest a read of the view may take
	 * @param maxEntries the most node-topic entries {@link #fleet()} reads; past it, it
	 * lists the nodes only
	 */
	public RedisFleetView(ReactiveRedisConnectionFactory connectionFactory, RedisTopicKeys keys, Duration timeout,
			long maxEntries) {
		this.redis = new ReactiveRedisTemplate<>(connectionFactory, RedisSerializationContext.string());
		this.keys = keys;
		this.timeout = timeout;
		this.maxEntries = maxEntries;
	}

	static String nodesKey(RedisTopicKeys keys) {
		return keys.prefix() + "fleet:nodes";
	}

	static String nodeKey(RedisTopicKeys keys, String nodeId) {
		return keys.prefix() + "fleet:node:" + nodeId;
	}

	/**
	 * Read one topic across the fleet: the revision every live node that reported the
	 * topic holds, and the laggards.
	 * @param topic the topic
	 * @return the topic's view
	 */
	public TopicView topic(String topic) {
		String sourceKey = this.keys.revisionKey(topic);
		Mono<Map<String, Revision>> held = liveNodes().flatMap((node) -> this.redis.<String, String>opsForHash()
			.multiGet(nodeKey(this.keys, node), List.of(RedisFleetReporter.HEARTBEAT_FIELD, topic))
			.flatMap((values) -> {
				if (values.get(0) == null) {
					return forget(node).then(Mono.empty());
				}
				String revision = values.get(1);
				return (revision != null) ? Mono.just(Map.entry(node, Revision.parse(revision))) : Mono.empty();
			}), CONCURRENCY).collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
		Mono<Revision> source = this.redis.opsForValue()
			.get(sourceKey)
			.map(Revision::parse)
			.defaultIfEmpty(Revision.ZERO);
		return Mono.zip(held, source)
			.map((both) -> TopicView.of(topic, both.getT2(), both.getT1()))
			.timeout(this.timeout)
			.block();
	}

	/**
	 * Read the whole fleet: every live node with the time of its last report and the
	 * number of topics it reported, and every topic that has laggards. The nodes' report
	 * sizes are read first ({@code HLEN}, and the heartbeat with {@code HGET}); when they
	 * hold more than {@code maxEntries} entries together, the view lists the nodes only
	 * ({@link FleetView#complete()} is {@code false}): ask {@link #topic(String)}
	 * instead.
	 * @return the fleet's view
	 */
	public FleetView fleet() {
		Mono<Map<String, NodeView>> sizes = liveNodes()
			.flatMap((node) -> this.redis.<String, String>opsForHash()
				.get(nodeKey(this.keys, node), RedisFleetReporter.HEARTBEAT_FIELD)
				.flatMap((heartbeat) -> this.redis.opsForHash()
					.size(nodeKey(this.keys, node))
					.map((size) -> Map.entry(node,
							new NodeView(Instant.ofEpochMilli(Long.parseLong(heartbeat)), (int) (size - 1), null))))
				.switchIfEmpty(forget(node).then(Mono.empty())), CONCURRENCY)
			.collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
		return sizes.flatMap((nodes) -> {
			long entries = nodes.values().stream().mapToLong(NodeView::topics).sum();
			return (entries > this.maxEntries) ? Mono.just(new FleetView(false, nodes, Map.of())) : entries();
		}).timeout(this.timeout).block();
	}

	private Mono<FleetView> entries() {
		Mono<Map<String, Map<String, String>>> reports = liveNodes()
			.flatMap((node) -> this.redis.<String, String>opsForHash()
				.entries(nodeKey(this.keys, node))
				.collectMap(Map.Entry::getKey, Map.Entry::getValue)
				.flatMap((fields) -> fields.containsKey(RedisFleetReporter.HEARTBEAT_FIELD)
						? Mono.just(Map.entry(node, fields)) : forget(node).then(Mono.empty())),
					CONCURRENCY)
			.collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
		return reports.flatMap((byNode) -> {
			TreeSet<String> topics = new TreeSet<>();
			byNode.values().forEach((fields) -> topics.addAll(fields.keySet()));
			topics.remove(RedisFleetReporter.HEARTBEAT_FIELD);
			return sourceRevisions(new ArrayList<>(topics)).map((sources) -> FleetView.of(byNode, sources));
		});
	}

	private Mono<Map<String, Revision>> sourceRevisions(List<String> topics) {
		List<List<String>> batches = new ArrayList<>();
		for (int from = 0; from < topics.size(); from += MGET_BATCH) {
			batches.add(topics.subList(from, Math.min(topics.size(), from + MGET_BATCH)));
		}
		return Flux.fromIterable(batches)
			.concatMap((batch) -> this.redis.opsForValue()
				.multiGet(batch.stream().map(this.keys::revisionKey).toList())
				.flatMapIterable((values) -> {
					List<Map.Entry<String, Revision>> entries = new ArrayList<>();
					for (int i = 0; i < batch.size(); i++) {
						String value = values.get(i);
						entries.add(Map.entry(batch.get(i), (value != null) ? Revision.parse(value) : Revision.ZERO));
					}
					return entries;
				}))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue);
	}

	private Flux<String> liveNodes() {
		return this.redis.opsForSet().members(nodesKey(this.keys));
	}

	private Mono<Long> forget(String node) {
		return this.redis.opsForSet().remove(nodesKey(this.keys), node);
	}

	/**
	 * One topic across the fleet.
	 *
	 * @param topic the topic
	 * @param source the revision the source holds ({@code 0} if it holds none)
	 * @param highest the highest revision any node or the source holds
	 * @param nodes the revision every live node that reported the topic holds, by node id
	 * @param laggards the ids of the nodes holding less than {@code highest}
	 */
	public record TopicView(String topic, Revision source, Revision highest, Map<String, Revision> nodes,
			List<String> laggards) {

		static TopicView of(String topic, Revision source, Map<String, Revision> nodes) {
			Revision highest = source;
			for (Revision revision : nodes.values()) {
				if (revision.compareTo(highest) > 0) {
					highest = revision;
				}
			}
			List<String> laggards = new ArrayList<>();
			for (Map.Entry<String, Revision> node : nodes.entrySet()) {
				if (node.getValue().compareTo(highest) < 0) {
					laggards.add(node.getKey());
				}
			}
			return new TopicView(topic, source, highest, nodes, List.copyOf(laggards));
		}

	}

	/**
	 * The whole fleet.
	 *
	 * @param complete whether every report was read; {@code false} when they held more
	 * entries than the view reads at once: then {@code laggards} is empty and each node's
	 * {@code lagging} unknown
	 * @param nodes every live node, by id
	 * @param laggards every topic with at least one laggard, by topic
	 */
	public record FleetView(boolean complete, Map<String, NodeView> nodes, Map<String, TopicView> laggards) {

		static FleetView of(Map<String, Map<String, String>> reports, Map<String, Revision> sources) {
			Map<String, Map<String, Revision>> byTopic = new HashMap<>();
			Map<String, Instant> lastReports = new HashMap<>();
			for (Map.Entry<String, Map<String, String>> report : reports.entrySet()) {
				for (Map.Entry<String, String> field : report.getValue().entrySet()) {
					if (RedisFleetReporter.HEARTBEAT_FIELD.equals(field.getKey())) {
						lastReports.put(report.getKey(), Instant.ofEpochMilli(Long.parseLong(field.getValue())));
					}
					else {
						byTopic.computeIfAbsent(field.getKey(), (topic) -> new TreeMap<>())
							.put(report.getKey(), Revision.parse(field.getValue()));
					}
				}
			}
			Map<String, TopicView> laggards = new TreeMap<>();
			Map<String, Integer> lagging = new HashMap<>();
			for (Map.Entry<String, Map<String, Revision>> topic : byTopic.entrySet()) {
				TopicView view = TopicView.of(topic.getKey(), sources.getOrDefault(topic.getKey(), Revision.ZERO),
						topic.getValue());
				if (!view.laggards().isEmpty()) {
					laggards.put(topic.getKey(), view);
					view.laggards().forEach((node) -> lagging.merge(node, 1, Integer::sum));
				}
			}
			Map<String, NodeView> nodes = new TreeMap<>();
			for (Map.Entry<String, Map<String, String>> report : reports.entrySet()) {
				String node = report.getKey();
				nodes.put(node, new NodeView(lastReports.get(node), report.getValue().size() - 1,
						lagging.getOrDefault(node, 0)));
			}
			return new FleetView(true, nodes, laggards);
		}

	}

	/**
	 * One live node.
	 *
	 * @param lastReport when it last reported (its own clock)
	 * @param topics how many topics it reported
	 * @param lagging on how many of them it is a laggard, {@code null} if the view is not
	 * complete
	 */
	public record NodeView(@Nullable Instant lastReport, int topics, @Nullable Integer lagging) {

	}

}
