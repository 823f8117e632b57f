package io.github.statesync.redis;

import io.github.statesync.core.spi.InvalidationSubscriber;
import org.jspecify.annotations.Nullable;

/**
 * An invalidation subscriber over Redis pub/sub, classic
 * ({@link RedisInvalidationSubscriber}) or sharded
 * ({@link RedisShardedInvalidationSubscriber}), and what it tells about its
 * subscriptions. Every answer is read from memory, without a network call.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface RedisPubSubSubscriber extends InvalidationSubscriber, AutoCloseable {

	/**
	 * Return whether the pub/sub connections that carry this subscriber's channels have
	 * confirmed them and have not dropped since (or, having dropped, have come back and
	 * resubscribed them). Always {@code true} while no topic is subscribed.
	 * @return {@code true} if connected
	 */
	boolean isConnected();

	/**
	 * Return why Redis refuses to subscribe the topic's channel, if it does: the
	 * subscriber keeps trying (with the recovery back-off) and the topic receives no
	 * invalidation meanwhile.
	 * @param topic the topic
	 * @return the refusal, naming the server's answer and the fix, or {@code null} if the
	 * channel is not refused
	 */
	@Nullable String subscriptionFailure(String topic);

	/**
	 * Return whether Redis refuses to subscribe the channel of any topic subscribed.
	 * @return {@code true} if some topic cannot receive invalidations for that reason
	 */
	boolean hasRefusedSubscriptions();

	/**
	 * Return how many times a pub/sub connection did not answer the liveness probe in
	 * time and was dropped (to reconnect, resubscribe and resync its topics). A count
	 * that grows means connections go half-open between this node and Redis.
	 * @return the count since the subscriber was created, {@code 0} when the probe is off
	 * @see PubSubLiveness
	 */
	long livenessFailures();

	/**
	 * Unsubscribe every channel and release the connections this subscriber owns.
	 */
	@Override
	void close();

}
