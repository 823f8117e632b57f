package io.github.statesync.boot.reconcile;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.statesync.core.protocol.Revision;

/**
 * Reads the current revision of many topics from a store at once, without their
 * snapshots: what reconciliation compares with the revisions a node holds. The Redis
 * transport implements it with one {@code MGET} per thousand topics.
 *
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface TopicRevisions {

	/**
	 * Read the revisions of topics.
	 * @param topics the topics
	 * @return the revision of every topic the store holds one of; a topic it holds none
	 * of is absent. The future fails if the store cannot be read.
	 */
	CompletableFuture<Map<String, Revision>> revisions(Collection<String> topics);

}
