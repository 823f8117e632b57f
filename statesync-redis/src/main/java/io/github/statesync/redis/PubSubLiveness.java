package io.github.statesync.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * How often the invalidation subscriber proves that its pub/sub connection is alive, and
 * how long it waits for the proof. Every {@code interval} it sends {@code PING} on the
 * subscribed connection (Redis answers it in subscribed mode, and answers it even to an
 * ACL user without {@code +ping}, with an error, which proves the connection too); no
 * answer within {@code timeout} means the connection is half-open: it is dropped, Lettuce
 * reconnects and resubscribes it, and every topic resyncs. A connection that goes
 * half-open is found within {@code interval + timeout}.
 *
 * @param interval time between two probes; {@link Duration#ZERO} disables the probe
 * @param timeout longest wait for the answer to a probe; positive
 * @author statesync
 * @since 0.1.0
 */
public record PubSubLiveness(Duration interval, Duration timeout) {

	/**
	 * A probe every 5 s, answered within 4 s: a half-open connection is found within 9 s.
	 */
	public static final PubSubLiveness DEFAULT = new PubSubLiveness(Duration.ofSeconds(5), Duration.ofSeconds(4));

	/**
	 * No probe: a half-open connection is found only by TCP itself (which may take many
	 * minutes) or by a poll or reconciliation of the topics.
	 */
	public static final PubSubLiveness DISABLED = new PubSubLiveness(Duration.ZERO, Duration.ofSeconds(4));

	/**
	 * Create the settings.
	 * @param interval time between two probes, zero to disable; not negative
	 * @param timeout longest wait for an answer; positive
	 * @throws IllegalArgumentException if the interval is negative or the timeout is not
	 * positive
	 */
	public PubSubLiveness {
		Objects.requireNonNull(interval, "interval must not be null");
		Objects.requireNonNull(timeout, "timeout must not be null");
		if (interval.isNegative()) {
			throw new IllegalArgumentException("interval must not be negative (zero disables the probe)");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive");
		}
	}

	/**
	 * Return whether the connection is probed.
	 * @return {@code true} unless the interval is zero
	 */
	public boolean isEnabled() {
		return !this.interval.isZero();
	}

}
