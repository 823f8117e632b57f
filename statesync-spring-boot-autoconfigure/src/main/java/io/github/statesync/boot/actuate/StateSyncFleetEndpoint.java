package io.github.statesync.boot.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.statesync.redis.RedisFleetView;
import io.github.statesync.redis.RedisFleetView.FleetView;
import io.github.statesync.redis.RedisFleetView.NodeView;
import io.github.statesync.redis.RedisFleetView.TopicView;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code statesyncfleet} Actuator endpoint: what every live node of the fleet
 * reported (with {@code statesync.fleet.enabled}). {@code GET /actuator/statesyncfleet}
 * lists the live nodes and every topic with laggards; {@code GET
 * /actuator/statesyncfleet/{topic}} lists the revision every live node holds of one
 * topic, and its laggards. Unlike the {@code statesync} endpoint, it reads Redis.
 * <p>
 * It is an endpoint of its own rather than {@code GET /actuator/statesync/fleet}: an
 * Actuator path segment after the endpoint id is a {@code @Selector}, so {@code fleet}
 * would be read as a topic name (a topic may be called {@code fleet}), and being its own
 * endpoint lets it be exposed and secured apart from the per-node view.
 *
 * @author statesync
 * @since 0.2.0
 */
@Endpoint(id = "statesyncfleet")
public class StateSyncFleetEndpoint {

	private final RedisFleetView view;

	/**
	 * Create the endpoint.
	 * @param view the fleet view read from Redis
	 */
	public StateSyncFleetEndpoint(RedisFleetView view) {
		this.view = view;
	}

	/**
	 * Describe the fleet: every live node, and every topic with laggards.
	 * @return the fleet
	 */
	@ReadOperation
	public FleetDescriptor fleet() {
		FleetView fleet = this.view.fleet();
		Map<String, TopicFleetDescriptor> laggards = new LinkedHashMap<>();
		fleet.laggards().forEach((topic, view) -> laggards.put(topic, describe(view)));
		return new FleetDescriptor(fleet.complete(), fleet.nodes(), laggards);
	}

	/**
	 * Describe one topic across the fleet.
	 * @param topic the topic
	 * @return the revision every live node that reported the topic holds, and the
	 * laggards
	 */
	@ReadOperation
	public TopicFleetDescriptor topic(@Selector String topic) {
		return describe(this.view.topic(topic));
	}

	private static TopicFleetDescriptor describe(TopicView view) {
		Map<String, String> nodes = new LinkedHashMap<>();
		view.nodes().forEach((node, revision) -> nodes.put(node, revision.toString()));
		return new TopicFleetDescriptor(view.source().toString(), view.highest().toString(), nodes, view.laggards());
	}

	/**
	 * The fleet.
	 *
	 * @param complete whether every node's report was read; {@code false} past
	 * {@code statesync.fleet.max-view-entries}: then only the nodes are listed, and
	 * {@code GET /actuator/statesyncfleet/{topic}} tells the laggards of a topic
	 * @param nodes every live node by id: when it last reported, how many topics it
	 * reported, on how many it lags
	 * @param laggards every topic with at least one laggard, by topic
	 */
	public record FleetDescriptor(boolean complete, Map<String, NodeView> nodes,
			Map<String, TopicFleetDescriptor> laggards) {

	}

	/**
	 * One topic across the fleet.
	 *
	 * @param source the revision the source holds ({@code "0"} if none)
	 * @param highest the highest revision any node or the source holds
	 * @param nodes the revision each live node holds, by node id
	 * @param laggards the nodes holding less than {@code highest}
	 */
	public record TopicFleetDescriptor(String source, String highest, Map<String, String> nodes,
			List<String> laggards) {

	}

}
