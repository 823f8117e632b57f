package io.github.statesync.boot.web;

import java.util.Set;

import io.github.statesync.boot.sync.SyncedTopicRegistry;

/**
 * The topics this node serves over HTTP: those listed in {@code statesync.rest.topics}
 * that it follows, or every topic it follows with {@value #ALL_TOPICS}. Closed by
 * default: an empty list serves nothing.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class ServedTopics {

	/** The entry that stands for every topic this node follows. */
	public static final String ALL_TOPICS = "*";

	private final SyncedTopicRegistry registry;

	private final Set<String> listed;

	private final boolean all;

	/**
	 * Create the served topics.
	 * @param registry the topics this node follows
	 * @param listed the topics listed, or {@value #ALL_TOPICS}
	 */
	public ServedTopics(SyncedTopicRegistry registry, Set<String> listed) {
		this.registry = registry;
		this.listed = Set.copyOf(listed);
		this.all = this.listed.contains(ALL_TOPICS);
	}

	/**
	 * Return whether a topic is served: listed (or every topic is) and followed by this
	 * node.
	 * @param topic the topic
	 * @return {@code true} if served
	 */
	public boolean isServed(String topic) {
		return (this.all || this.listed.contains(topic)) && this.registry.topics().contains(topic);
	}

	/**
	 * Return the registry the topics' values come from.
	 * @return the registry
	 */
	public SyncedTopicRegistry registry() {
		return this.registry;
	}

}
