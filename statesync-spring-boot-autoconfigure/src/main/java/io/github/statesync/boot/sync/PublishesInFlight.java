package io.github.statesync.boot.sync;

import java.time.Duration;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The publishes of each topic under way on this node, each with a ticket from one
 * sequence, so that a reader can wait for those begun before it asked and not for those
 * begun after (under a steady stream of writes there is always one in flight).
 *
 * @author statesync
 */
final class PublishesInFlight {

	private final AtomicLong tickets = new AtomicLong();

	private final Map<String, NavigableSet<Long>> inFlight = new ConcurrentHashMap<>();

	private final Object monitor = new Object();

	long begin(String topic) {
		long ticket = this.tickets.incrementAndGet();
		this.inFlight.computeIfAbsent(topic, (key) -> new ConcurrentSkipListSet<>()).add(ticket);
		return ticket;
	}

	void end(String topic, long ticket) {
		NavigableSet<Long> tickets = this.inFlight.get(topic);
		if (tickets != null) {
			tickets.remove(ticket);
		}
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
	}

	boolean await(String topic, Duration timeout) throws InterruptedException {
		NavigableSet<Long> tickets = this.inFlight.get(topic);
		if (tickets == null || tickets.isEmpty()) {
			return true;
		}
		long horizon = this.tickets.get();
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			// ceiling, not isEmpty() then first(): an end() may empty the set in between
			for (Long oldest = tickets.ceiling(Long.MIN_VALUE); oldest != null
					&& oldest <= horizon; oldest = tickets.ceiling(Long.MIN_VALUE)) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.monitor, remaining);
			}
		}
		return true;
	}

}
