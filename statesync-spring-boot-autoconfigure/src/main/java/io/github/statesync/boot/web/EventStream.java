package io.github.statesync.boot.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.statesync.core.protocol.Revision;

/**
 * One client's stream: the revisions it was last told of its topics, and a bounded queue
 * of frames the client has not taken yet. Frames are only ever written when the
 * connection can take them without blocking; a client that falls more than the buffer
 * behind is closed, so it never holds a thread or grows memory. Guarded by this object's
 * monitor: the fan-out thread offers, the container's thread reports that it can write.
 *
 * @author statesync
 */
abstract class EventStream {

	static final byte[] HEARTBEAT = ": ping\n\n".getBytes(StandardCharsets.UTF_8);

	static final byte[] OPENED = ": statesync\n\n".getBytes(StandardCharsets.UTF_8);

	/** Why a stream ended. */
	enum Closing {

		/** The client went away or the connection failed. */
		CLIENT,

		/** The client fell further behind than its buffer. */
		OVERFLOW,

		/** The application is shutting down. */
		SHUTDOWN

	}

	private final List<String> topics;

	private final int capacity;

	private final InvalidationStreams owner;

	// guarded by this
	private final Map<String, Revision> announced = new LinkedHashMap<>();

	// guarded by this
	private final ArrayDeque<byte[]> queue = new ArrayDeque<>();

	// guarded by this
	private boolean closed;

	// guarded by this: written but not flushed yet
	private boolean unflushed;

	EventStream(List<String> topics, Map<String, Revision> lastEventId, int capacity, InvalidationStreams owner) {
		this.topics = List.copyOf(topics);
		this.capacity = capacity;
		this.owner = owner;
		for (String topic : topics) {
			Revision known = lastEventId.get(topic);
			if (known != null) {
				this.announced.put(topic, known);
			}
		}
		this.queue.add(OPENED);
	}

	List<String> topics() {
		return this.topics;
	}

	/**
	 * Offer an invalidation: queued unless the client was already told of this revision
	 * or a newer one (a resync and an apply may race; a reconnect says what the client
	 * knows).
	 * @param topic the topic
	 * @param revision the revision applied
	 * @param json the invalidation as the protocol's JSON
	 */
	final synchronized void offer(String topic, Revision revision, String json) {
		if (this.closed) {
			return;
		}
		Revision known = this.announced.get(topic);
		if (known != null && known.compareTo(revision) >= 0) {
			return;
		}
		this.announced.put(topic, revision);
		String frame = "id: " + LastEventIds.format(this.announced) + "\ndata: " + json + "\n\n";
		enqueue(frame.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Offer a heartbeat comment, unless frames are waiting anyway.
	 */
	final synchronized void heartbeat() {
		if (!this.closed && this.queue.isEmpty()) {
			enqueue(HEARTBEAT);
		}
	}

	private void enqueue(byte[] frame) {
		if (this.queue.size() >= this.capacity) {
			close(Closing.OVERFLOW);
			return;
		}
		this.queue.add(frame);
		flushQueue();
	}

	/**
	 * Write what the connection takes without blocking. Called with the monitor held, and
	 * by the container when the connection can take more.
	 */
	final synchronized void flushQueue() {
		if (this.closed) {
			return;
		}
		try {
			// a frame is written, and what was written flushed, only while the
			// connection takes it without blocking; otherwise the container calls back
			while (canWrite()) {
				if (this.queue.isEmpty()) {
					if (!this.unflushed) {
						return;
					}
					this.unflushed = false;
					flush();
				}
				else {
					write(this.queue.poll());
					this.unflushed = true;
				}
			}
		}
		catch (Exception ex) {
			close(Closing.CLIENT);
		}
	}

	/**
	 * End the stream: nothing more is queued or written.
	 * @param reason why
	 */
	final void close(Closing reason) {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.queue.clear();
		}
		this.owner.closed(this, reason);
		end();
	}

	final synchronized boolean isClosed() {
		return this.closed;
	}

	final synchronized int queued() {
		return this.queue.size();
	}

	/**
	 * Return whether a write now would not block (and, if not, ask to be called back
	 * through {@link #flushQueue()} when it would not).
	 * @return whether the connection can take a frame
	 */
	abstract boolean canWrite();

	abstract void write(byte[] frame) throws Exception;

	abstract void flush() throws Exception;

	/** Complete the response; never throws. */
	abstract void end();

}
