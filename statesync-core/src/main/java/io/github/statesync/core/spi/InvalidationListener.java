package io.github.statesync.core.spi;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;

/**
 * What an {@link InvalidationSubscriber} tells a sync handle. Implementations are fast
 * and never throw: a subscriber may call them on its I/O thread.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface InvalidationListener {

	/**
	 * A valid event arrived.
	 * @param event the event
	 */
	void onInvalidation(InvalidationEvent event);

	/**
	 * A message arrived for the topic that breaks the protocol (not decodable, blank
	 * topic, non-canonical revision, too large). It is reported and dropped.
	 * @param error what was wrong
	 */
	void onProtocolError(ProtocolException error);

	/**
	 * Events may have been lost (for example the connection dropped and came back): fetch
	 * the current snapshot whatever the revisions say.
	 */
	void onResync();

	/**
	 * The subscription was confirmed for the first time (see
	 * {@link Subscription#confirmed()}): events sent before may have been missed. Later
	 * confirmations (after a reconnect) call {@link #onResync()}. By default it resyncs
	 * too; a listener that fetched only after the confirmation skips it.
	 * @since 0.1.0
	 */
	default void onConfirmed() {
		onResync();
	}

	/**
	 * The topic's subscription could not be made and the subscriber keeps trying (for
	 * example the server refused it for missing rights): no invalidation arrives until it
	 * succeeds, which {@link #onResync()} then tells. Called once per change of the
	 * reason, not once per attempt.
	 * @param error why, naming the server's answer and what to fix
	 * @since 0.1.0
	 */
	default void onSubscriptionFailed(Exception error) {
	}

}
