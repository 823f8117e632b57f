package io.github.statesync.core.spi;

/**
 * A live subscription made by an {@link InvalidationSubscriber}.
 *
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface Subscription {

	/**
	 * Stop delivering events. Idempotent; events already being delivered may still
	 * arrive.
	 */
	void cancel();

}
