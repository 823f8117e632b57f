package io.github.statesync.boot.topic;

import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.SnapshotProvider;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Where invalidations travel and snapshots are stored: Redis, or a channel and a map
 * inside the JVM. Define a bean of this type to bring another transport.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface StateSyncTransport extends AutoCloseable {

	/**
	 * Return the transport's name, shown in logs and the Actuator endpoint.
	 * @return the name, for example {@code redis}
	 */
	String name();

	/**
	 * Return the subscriber that delivers invalidations of every topic.
	 * @return the subscriber
	 */
	InvalidationSubscriber subscriber();

	/**
	 * Return the writer of snapshots to this transport's store.
	 * @return the publisher
	 */
	StatePublisher publisher();

	/**
	 * Return the provider that fetches a topic's snapshots from this transport's store.
	 * @param settings the topic's settings (payload limit and so on)
	 * @return the provider
	 */
	SnapshotProvider<JsonNode> provider(TopicSettings settings);

	/**
	 * Return this node's id, the source of its writes.
	 * @return the node id, or {@code null} if the transport has none
	 * @since 0.1.0
	 */
	default @Nullable String nodeId() {
		return null;
	}

	/**
	 * Return whether invalidations can currently arrive (the subscription is connected).
	 * Read from memory, never the network.
	 * @return {@code true} if connected
	 */
	default boolean isConnected() {
		return true;
	}

	/**
	 * Release the transport's connections. Called when the application context closes.
	 */
	@Override
	default void close() {
	}

}
