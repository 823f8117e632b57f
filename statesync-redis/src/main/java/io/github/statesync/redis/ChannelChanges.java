package io.github.statesync.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.Subscription;
import io.github.statesync.redis.TopicListeners.TopicListener;

/**
 * The subscriptions of an invalidation subscriber's listeners, and the channels that wait
 * for a change on Redis since a channel's first listener came or last one went, applied
 * in batches by one short-lived thread at a time: subscribing returns at once, and
 * thousands of topics started together cost a few round trips rather than one each. What
 * a batch does (and how it backs off) is the subscriber's: this class only queues
 * channels, starts the thread, lets it wait for a retry, and lets {@code close()} stop
 * it.
 * <p>
 * Guarded by the subscriber's own lock, given to the constructor, which also guards the
 * subscriber's listeners (and placements), so that a (un)subscription and the change it
 * queues are one atomic step. Methods that say so are called with that lock held.
 *
 * @author statesync
 */
final class ChannelChanges {

	private final Object monitor;

	private final ThreadFactory threads;

	private final Runnable apply;

	private final TopicListeners listeners;

	private final SubscriptionRefusals refusals;

	// guarded by monitor: channels whose first listener came or last one went (or that
	// must move) since the last batch was taken
	private final Set<String> dirty = new LinkedHashSet<>();

	// guarded by monitor: whether a thread applies changes
	private boolean changing;

	private volatile boolean closed;

	/**
	 * Create the queue of one subscriber.
	 * @param monitor the subscriber's lock
	 * @param threads makes the thread that applies changes
	 * @param apply applies every change queued, then calls {@link #finish()}
	 * @param listeners the subscriber's listeners
	 * @param refusals the subscriber's refused channels, forgotten with their last
	 * listener
	 */
	ChannelChanges(Object monitor, ThreadFactory threads, Runnable apply, TopicListeners listeners,
			SubscriptionRefusals refusals) {
		this.monitor = monitor;
		this.threads = threads;
		this.apply = apply;
		this.listeners = listeners;
		this.refusals = refusals;
	}

	/**
	 * Add a listener of a topic's channel, and queue the channel's subscription if it is
	 * the first.
	 * @return the subscription, whose cancel removes the listener once, and queues the
	 * channel's unsubscription if it was the last, and whose {@code confirmed()}
	 * completes when Redis first confirmed the channel for this listener
	 * @throws IllegalStateException if the subscriber is closed
	 */
	Subscription subscribe(String channel, String topic, InvalidationListener listener) {
		ChannelSubscription topicListener = new ChannelSubscription(channel, topic, listener);
		boolean start;
		synchronized (this.monitor) {
			if (this.closed) {
				throw new IllegalStateException("The invalidation subscriber is closed");
			}
			start = this.listeners.add(channel, topicListener) && mark(channel);
		}
		if (start) {
			start();
		}
		return topicListener;
	}

	/**
	 * A listener of a channel and its subscription in one object (one per topic).
	 */
	private final class ChannelSubscription extends TopicListener implements Subscription {

		private static final AtomicIntegerFieldUpdater<ChannelSubscription> CANCELLED = AtomicIntegerFieldUpdater
			.newUpdater(ChannelSubscription.class, "cancelled");

		private final String channel;

		private volatile int cancelled;

		ChannelSubscription(String channel, String topic, InvalidationListener listener) {
			super(topic, listener);
			this.channel = channel;
		}

		@Override
		public void cancel() {
			if (CANCELLED.compareAndSet(this, 0, 1)) {
				ChannelChanges.this.cancel(this.channel, this);
			}
		}

		@Override
		public CompletionStage<Void> confirmed() {
			return this.confirmation;
		}

	}

	private void cancel(String channel, TopicListener topicListener) {
		boolean start;
		synchronized (this.monitor) {
			if (!this.listeners.remove(channel, topicListener)) {
				return;
			}
			this.refusals.forget(channel);
			// whether the channel is unsubscribed is decided when the batch is taken,
			// from the listeners it has then (nothing is queued after a close)
			start = mark(channel);
		}
		if (start) {
			start();
		}
	}

	/**
	 * Note that the channel may need a change; what it needs is decided when the batch is
	 * taken. Called with the lock held.
	 * @return whether the caller must {@link #start()} a thread to apply the changes
	 */
	boolean mark(String channel) {
		if (this.closed) {
			// closing dropped the changes: nothing applies them any more
			return false;
		}
		this.dirty.add(channel);
		if (this.changing) {
			return false;
		}
		this.changing = true;
		return true;
	}

	/**
	 * Start the thread that applies the changes, after {@link #mark} said so (outside the
	 * lock).
	 */
	void start() {
		this.threads.newThread(this.apply).start();
	}

	/**
	 * Return whether changes wait. Called with the lock held.
	 */
	boolean hasPending() {
		return !this.dirty.isEmpty();
	}

	/**
	 * Take every channel waiting, in the order they came. Called with the lock held.
	 */
	List<String> take() {
		List<String> batch = new ArrayList<>(this.dirty);
		this.dirty.clear();
		return batch;
	}

	/**
	 * Queue channels again, for the next batch. Called with the lock held.
	 */
	void requeue(Collection<String> channels) {
		this.dirty.addAll(channels);
	}

	/**
	 * The thread that applies changes stops: none waits, or the subscriber closed.
	 */
	void finish() {
		synchronized (this.monitor) {
			this.changing = false;
			this.monitor.notifyAll();
		}
	}

	/**
	 * Return whether the thread that applies changes goes on with the next batch: after a
	 * failed one, once the back-off has passed; never once closed, when it
	 * {@link #finish() finishes} instead.
	 * @param failures how many batches failed in a row
	 * @param backOffMillis how long to wait after a failed batch
	 * @return whether to take the next batch
	 */
	boolean goOn(int failures, long backOffMillis) {
		if (this.closed || (failures > 0 && !pause(backOffMillis))) {
			finish();
			return false;
		}
		return true;
	}

	/**
	 * Wait before a retry; {@link #close()} cuts the wait short.
	 * @return whether to go on
	 */
	private boolean pause(long millis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		synchronized (this.monitor) {
			long remaining;
			while (!this.closed && (remaining = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.monitor, remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
		return !this.closed;
	}

	boolean isClosed() {
		return this.closed;
	}

	/**
	 * Close: drop the changes still waiting (closing makes them moot) and wake the thread
	 * that applies them if it waits for a retry. Called with the lock held.
	 */
	void close() {
		this.closed = true;
		this.dirty.clear();
		this.monitor.notifyAll();
	}

	/**
	 * Wait, until the deadline, for the change under way. Called with the lock held,
	 * after {@link #close()}.
	 * @param deadline the {@link System#nanoTime()} to wait until
	 * @return whether no change is under way any more ({@code false} if interrupted)
	 */
	boolean awaitIdle(long deadline) {
		long remaining;
		while (this.changing && (remaining = deadline - System.nanoTime()) > 0) {
			try {
				TimeUnit.NANOSECONDS.timedWait(this.monitor, remaining);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return !this.changing;
	}

}
