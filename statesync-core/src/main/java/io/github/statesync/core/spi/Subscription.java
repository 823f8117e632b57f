package io.github.statesync.core.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

	/**
	 * Return a stage that completes when the subscriber confirmed the subscription:
	 * events sent from then on are delivered, those sent before may have been missed. A
	 * sync handle waits for it (a bounded time) before its first fetch, so that one fetch
	 * covers both. A subscriber that tells it calls
	 * {@link InvalidationListener#onConfirmed()} rather than
	 * {@link InvalidationListener#onResync()} for the listener's first confirmation, and
	 * completes this stage before. The default, completed at once, suits a subscriber
	 * that delivers from the moment {@code subscribe} returns or cannot tell.
	 * @return the stage, completed when the subscription is confirmed (it may never
	 * complete, for example while the server refuses the subscription)
	 * @since 0.1.0
	 */
	default CompletionStage<Void> confirmed() {
		return CompletableFuture.completedFuture(null);
	}

}
