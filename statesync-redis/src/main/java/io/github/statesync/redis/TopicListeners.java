package io.github.statesync.redis;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.SyncCodec;
import org.slf4j.Logger;

/**
 * The live listeners of each channel of an invalidation subscriber, and the delivery of
 * what arrives on a channel to them: each message is decoded once, whatever the number of
 * listeners of its topic, and a listener that throws keeps neither the others from
 * hearing nor its exception from reaching the connection's thread.
 * <p>
 * Added and removed only under the subscriber's own lock, together with the change it
 * queues; read without a lock by the connection's thread. The dispatch path allocates
 * what the subscribers allocated before this class was shared, nothing more.
 *
 * @author statesync
 */
final class TopicListeners {

	private final Map<String, ChannelListeners> listeners = new ConcurrentHashMap<>();

	private final AtomicInteger subscriptions = new AtomicInteger();

	private final SyncCodec codec;

	private final Logger logger;

	/**
	 * Create an empty registry.
	 * @param codec decodes events
	 * @param logger the subscriber's logger, so that failing listeners are logged under
	 * the subscriber's name as before
	 */
	TopicListeners(SyncCodec codec, Logger logger) {
		this.codec = codec;
		this.logger = logger;
	}

	/**
	 * Add a listener of a channel; the caller holds the subscriber's lock.
	 * @return whether it is the channel's first listener (the channel must be subscribed)
	 */
	boolean add(String channel, TopicListener topicListener) {
		ChannelListeners current = this.listeners.computeIfAbsent(channel, (key) -> new ChannelListeners());
		current.add(topicListener);
		this.subscriptions.incrementAndGet();
		// added before the flag is read, and the flag is set before the listeners are
		// read: a confirmation under way confirms this listener, or the flag does
		if (current.confirmed) {
			topicListener.confirmation.complete(null);
		}
		return current.size() == 1;
	}

	/**
	 * Remove a listener of a channel; the caller holds the subscriber's lock.
	 * @return whether it was the channel's last listener (the channel must be
	 * unsubscribed)
	 */
	boolean remove(String channel, TopicListener topicListener) {
		this.subscriptions.decrementAndGet();
		ChannelListeners current = this.listeners.get(channel);
		if (current == null || !current.remove(topicListener) || !current.isEmpty()) {
			return false;
		}
		this.listeners.remove(channel);
		return true;
	}

	/**
	 * Return whether the channel has listeners.
	 */
	boolean contains(String channel) {
		return this.listeners.containsKey(channel);
	}

	/**
	 * Return the channels with listeners (a live view).
	 */
	Set<String> channels() {
		return this.listeners.keySet();
	}

	/**
	 * Return the number of subscriptions, of all channels.
	 */
	int subscriptions() {
		return this.subscriptions.get();
	}

	/**
	 * Decode a message that arrived on a channel and hand it to the channel's listeners,
	 * or the decoding failure as a protocol error.
	 */
	void dispatch(String channel, byte[] body) {
		ChannelListeners targets = this.listeners.get(channel);
		if (targets == null) {
			return;
		}
		InvalidationEvent event;
		try {
			event = this.codec.decodeEvent(body);
		}
		catch (ProtocolException ex) {
			targets.forEach((target) -> deliver(target, (listener) -> listener.onProtocolError(ex)));
			return;
		}
		catch (RuntimeException ex) {
			ProtocolException error = new ProtocolException("invalidation event could not be decoded: " + ex, ex);
			targets.forEach((target) -> deliver(target, (listener) -> listener.onProtocolError(error)));
			return;
		}
		targets.forEach((target) -> deliver(target, (listener) -> listener.onInvalidation(event)));
	}

	/**
	 * Tell the channel's listeners that Redis confirmed the channel, and events sent
	 * before were missed: a listener confirmed for the first time has its
	 * {@link TopicListener#confirmation} completed and is told
	 * {@link InvalidationListener#onConfirmed()} (a handle that fetched after it skips
	 * the resync), the others (after a reconnect)
	 * {@link InvalidationListener#onResync()}. A listener added to a channel confirmed
	 * before is confirmed at once, without a call.
	 * @param subscribed told each listener's topic first, to log it
	 */
	void resync(String channel, Consumer<String> subscribed) {
		ChannelListeners targets = this.listeners.get(channel);
		if (targets != null) {
			targets.confirmed = true;
			targets.forEach((target) -> {
				subscribed.accept(target.topic);
				if (target.confirmation.complete(null)) {
					deliver(target, InvalidationListener::onConfirmed);
				}
				else {
					deliver(target, InvalidationListener::onResync);
				}
			});
		}
	}

	/**
	 * Tell the channel's listeners that Redis refuses to subscribe it.
	 */
	void subscriptionFailed(String channel, Exception error) {
		ChannelListeners targets = this.listeners.get(channel);
		if (targets != null) {
			targets.forEach((target) -> deliver(target, (listener) -> listener.onSubscriptionFailed(error)));
		}
	}

	/**
	 * Call one listener: one that throws must not keep the others of the topic from
	 * hearing, nor reach the I/O thread.
	 */
	private void deliver(TopicListener target, Consumer<InvalidationListener> call) {
		try {
			call.accept(target.listener);
		}
		catch (RuntimeException ex) {
			this.logger.warn("An invalidation listener of topic '{}' failed: {}", target.topic, ex.toString());
		}
	}

	/**
	 * One subscription: equal only to itself, so that two subscriptions of one topic by
	 * the same listener are cancelled one by one.
	 */
	static class TopicListener {

		final String topic;

		final InvalidationListener listener;

		/** Completed when Redis first confirmed the channel for this listener. */
		final CompletableFuture<Void> confirmation = new CompletableFuture<>();

		TopicListener(String topic, InvalidationListener listener) {
			this.topic = topic;
			this.listener = listener;
		}

	}

	/**
	 * The listeners of one channel, and whether Redis confirmed it since its first
	 * listener came (a channel that loses its last listener starts over). A set by
	 * identity, copied on write under its monitor and read without a lock: its one
	 * listener itself while it has one (most channels), else an array of them, so a
	 * channel costs one small object rather than a copy-on-write set's four.
	 */
	private static final class ChannelListeners {

		private static final TopicListener[] NONE = {};

		// a TopicListener or a TopicListener[]
		private volatile Object members = NONE;

		volatile boolean confirmed;

		synchronized void add(TopicListener listener) {
			TopicListener[] current = snapshot();
			for (TopicListener member : current) {
				if (member == listener) {
					return;
				}
			}
			if (current.length == 0) {
				this.members = listener;
				return;
			}
			TopicListener[] next = Arrays.copyOf(current, current.length + 1);
			next[current.length] = listener;
			this.members = next;
		}

		synchronized boolean remove(TopicListener listener) {
			TopicListener[] current = snapshot();
			for (int i = 0; i < current.length; i++) {
				if (current[i] == listener) {
					TopicListener[] next = new TopicListener[current.length - 1];
					System.arraycopy(current, 0, next, 0, i);
					System.arraycopy(current, i + 1, next, i, current.length - i - 1);
					this.members = (next.length == 1) ? next[0] : next;
					return true;
				}
			}
			return false;
		}

		int size() {
			Object current = this.members;
			return (current instanceof TopicListener) ? 1 : ((TopicListener[]) current).length;
		}

		boolean isEmpty() {
			return size() == 0;
		}

		void forEach(Consumer<TopicListener> action) {
			Object current = this.members;
			if (current instanceof TopicListener one) {
				action.accept(one);
				return;
			}
			for (TopicListener member : (TopicListener[]) current) {
				action.accept(member);
			}
		}

		private TopicListener[] snapshot() {
			Object current = this.members;
			return (current instanceof TopicListener one) ? new TopicListener[] { one } : (TopicListener[]) current;
		}

	}

}
