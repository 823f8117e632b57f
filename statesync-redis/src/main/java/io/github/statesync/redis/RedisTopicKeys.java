package io.github.statesync.redis;

import io.github.statesync.core.protocol.Topics;

/**
 * Where a topic lives in Redis. All keys and the channel of one topic share the Redis
 * Cluster hash tag {@code {topic}}, so a topic lives on one shard: with the default
 * prefix, topic {@code settings} has {@code statesync:{settings}:revision},
 * {@code statesync:{settings}:snapshot} and the channel
 * {@code statesync:{settings}:events}.
 *
 * @param prefix the prefix of every key and channel
 * @author statesync
 * @since 0.1.0
 */
public record RedisTopicKeys(String prefix) {

	/** The default prefix, {@code statesync:}. */
	public static final RedisTopicKeys DEFAULT = new RedisTopicKeys("statesync:");

	/**
	 * Create keys with a prefix.
	 * @throws IllegalArgumentException if the prefix is null or contains a brace, which
	 * would break the hash tag
	 */
	public RedisTopicKeys {
		if (prefix == null || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException("key prefix must not be null or contain '{' or '}', was " + prefix);
		}
	}

	/**
	 * Return the key holding the topic's current revision.
	 * @param topic the topic
	 * @return the key
	 */
	public String revisionKey(String topic) {
		return tagged(topic) + ":revision";
	}

	/**
	 * Return the key holding the topic's snapshot envelope.
	 * @param topic the topic
	 * @return the key
	 */
	public String snapshotKey(String topic) {
		return tagged(topic) + ":snapshot";
	}

	/**
	 * Return the key holding the topic's history (a list, newest entry first), written
	 * only when the topic keeps history.
	 * @param topic the topic
	 * @return the key
	 * @since 0.1.0
	 */
	public String historyKey(String topic) {
		return tagged(topic) + ":history";
	}

	/**
	 * Return the key holding the size, in bytes, of the topic's history entries.
	 * @param topic the topic
	 * @return the key
	 * @since 0.1.0
	 */
	public String historySizeKey(String topic) {
		return tagged(topic) + ":history-size";
	}

	/**
	 * Return the pub/sub channel carrying the topic's invalidations.
	 * @param topic the topic
	 * @return the channel
	 */
	public String channel(String topic) {
		return tagged(topic) + ":events";
	}

	private String tagged(String topic) {
		Topics.requireValid(topic);
		if (topic.indexOf('{') >= 0 || topic.indexOf('}') >= 0) {
			throw new IllegalArgumentException(
					"topic '" + topic + "' must not contain '{' or '}': it is the Redis Cluster hash tag of its keys");
		}
		return this.prefix + "{" + topic + "}";
	}

}
