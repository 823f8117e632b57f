package io.github.statesync.core.spi;

/**
 * Delivers the invalidation events of a topic. One subscriber may serve many topics over
 * one connection.
 *
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface InvalidationSubscriber {

	/**
	 * Start delivering the topic's events to the listener. Events may arrive on any
	 * thread, including before this method returns.
	 * @param topic the topic
	 * @param listener where to deliver events, protocol errors and resync requests
	 * @return the subscription, to cancel delivery
	 * @throws Exception if the subscription cannot be made
	 */
	Subscription subscribe(String topic, InvalidationListener listener) throws Exception;

}
