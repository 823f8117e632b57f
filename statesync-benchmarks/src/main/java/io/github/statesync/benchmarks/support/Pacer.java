package io.github.statesync.benchmarks.support;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces writes to a fixed interval: parks until shortly before the next slot, then spins,
 * so the interval holds to a few microseconds. A late write does not make the following
 * ones bunch up: the schedule restarts from it.
 *
 * @author statesync
 */
public final class Pacer {

	private static final long SPIN_NANOS = 50_000;

	private final long intervalNanos;

	private long next;

	/**
	 * Create a pacer whose first slot is now.
	 * @param intervalNanos the interval between writes
	 */
	public Pacer(long intervalNanos) {
		this.intervalNanos = intervalNanos;
		this.next = System.nanoTime();
	}

	/**
	 * Wait for the next slot.
	 */
	public void await() {
		long now = System.nanoTime();
		if (now > this.next + this.intervalNanos) {
			this.next = now;
		}
		while (this.next - now > SPIN_NANOS) {
			LockSupport.parkNanos(this.next - now - SPIN_NANOS);
			now = System.nanoTime();
		}
		while (System.nanoTime() < this.next) {
			Thread.onSpinWait();
		}
		this.next += this.intervalNanos;
	}

}
