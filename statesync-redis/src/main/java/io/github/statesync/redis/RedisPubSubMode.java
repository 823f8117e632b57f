package io.github.statesync.redis;

/**
 * How invalidations travel through Redis pub/sub. Writers and readers of a topic must use
 * the same mode: a {@code SPUBLISH} reaches only {@code SSUBSCRIBE}rs, a {@code PUBLISH}
 * only {@code SUBSCRIBE}rs.
 *
 * @author statesync
 * @since 0.1.0
 */
public enum RedisPubSubMode {

	/**
	 * {@code PUBLISH} and {@code SUBSCRIBE}: works on every Redis; on Redis Cluster each
	 * message is broadcast over the cluster bus to every node.
	 */
	CLASSIC("PUBLISH"),

	/**
	 * {@code SPUBLISH} and {@code SSUBSCRIBE} (Redis 7+): on Redis Cluster a message
	 * stays on the shard that owns the topic's hash slot.
	 */
	SHARDED("SPUBLISH");

	private final String publishCommand;

	RedisPubSubMode(String publishCommand) {
		this.publishCommand = publishCommand;
	}

	/**
	 * Return the command that announces a write in this mode.
	 * @return {@code PUBLISH} or {@code SPUBLISH}
	 */
	public String publishCommand() {
		return this.publishCommand;
	}

}
