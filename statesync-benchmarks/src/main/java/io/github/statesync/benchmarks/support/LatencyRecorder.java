package io.github.statesync.benchmarks.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Send and arrival instants of writes, keyed by write index, in preallocated arrays. The
 * writer calls {@link #sent(int)} just before it sends write {@code i}; the reader calls
 * {@link #observed(int)} whenever it holds the state of write {@code i}, which also marks
 * every earlier write it had not held yet (the reader holds revision {@code >= i}, even
 * if some revisions were coalesced away).
 *
 * @author statesync
 */
public final class LatencyRecorder {

	private final long[] sentNanos;

	private final long[] seenNanos;

	private final AtomicInteger highest = new AtomicInteger(-1);

	/**
	 * Create a recorder for writes {@code 0..writes-1}.
	 * @param writes the number of writes
	 */
	public LatencyRecorder(int writes) {
		this.sentNanos = new long[writes];
		this.seenNanos = new long[writes];
	}

	/**
	 * Record that write {@code index} is about to be sent.
	 * @param index the write
	 */
	public void sent(int index) {
		this.sentNanos[index] = System.nanoTime();
	}

	/**
	 * Record that the reader holds the state of write {@code index} (or a newer one).
	 * Safe from any thread; indexes out of range (a previous scenario's state) are
	 * ignored.
	 * @param index the write now held
	 */
	public void observed(long index) {
		if (index < 0 || index >= this.seenNanos.length) {
			return;
		}
		long now = System.nanoTime();
		int target = (int) index;
		int current = this.highest.get();
		while (target > current) {
			if (this.highest.compareAndSet(current, target)) {
				for (int i = current + 1; i <= target; i++) {
					this.seenNanos[i] = now;
				}
				return;
			}
			current = this.highest.get();
		}
	}

	/**
	 * Return the highest write the reader holds.
	 * @return the index, {@code -1} before the first
	 */
	public int highest() {
		return this.highest.get();
	}

	/**
	 * Wait until the reader holds write {@code index}.
	 * @param index the write
	 * @param timeoutMillis the longest wait
	 * @throws TimeoutException if it did not arrive in time
	 */
	public void await(int index, long timeoutMillis) throws TimeoutException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (this.highest.get() < index) {
			if (System.nanoTime() > deadline) {
				throw new TimeoutException("write " + index + " not seen after " + timeoutMillis + " ms (holding "
						+ this.highest.get() + ")");
			}
			LockSupport.parkNanos(100_000);
		}
	}

	/**
	 * Return the instant the reader first held write {@code index}.
	 * @param index the write
	 * @return the {@link System#nanoTime()} instant, {@code 0} if never
	 */
	public long seenNanos(int index) {
		return this.seenNanos[index];
	}

	/**
	 * Return the latencies of writes {@code from..to-1} in nanoseconds.
	 * @param from the first write
	 * @param to one past the last write
	 * @return the latencies
	 */
	public long[] latencies(int from, int to) {
		long[] latencies = new long[to - from];
		for (int i = from; i < to; i++) {
			latencies[i - from] = this.seenNanos[i] - this.sentNanos[i];
		}
		return latencies;
	}

}
