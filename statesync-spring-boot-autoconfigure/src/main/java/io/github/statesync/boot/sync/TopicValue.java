package io.github.statesync.boot.sync;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.target.HotSwappableTargetSource;

/**
 * The current state of one topic: an immutable snapshot object and its revision, swapped
 * atomically, and the target source behind the bean's proxy when there is one.
 *
 * @param <T> the type of the state
 * @author statesync
 */
final class TopicValue<T> implements SyncedValue<T> {

	private final String topic;

	private volatile Snapshot<T> state = new Snapshot<>(Revision.ZERO, null);

	private volatile @Nullable T defaults;

	private volatile @Nullable HotSwappableTargetSource targetSource;

	TopicValue(String topic) {
		this.topic = topic;
	}

	@Override
	public @Nullable T get() {
		return this.state.value();
	}

	@Override
	public Revision revision() {
		return this.state.revision();
	}

	@Override
	public String topic() {
		return this.topic;
	}

	/**
	 * Return the bean's initial state, the defaults of
	 * {@link io.github.statesync.boot.ApplyMode#REPLACE}.
	 * @return the defaults, {@code null} for a topic without a bean
	 */
	@Nullable T defaults() {
		return this.defaults;
	}

	synchronized void initialize(T defaults, @Nullable HotSwappableTargetSource targetSource) {
		Snapshot<T> current = this.state;
		if (this.defaults != null && !current.revision().equals(Revision.ZERO) && current.value() != null) {
			// A later instance of the bean (lazy, refreshed) follows the current
			// snapshot; it never resets it.
			if (targetSource != null) {
				targetSource.swap(current.value());
			}
			this.targetSource = targetSource;
			return;
		}
		this.defaults = defaults;
		this.targetSource = targetSource;
		this.state = new Snapshot<>(Revision.ZERO, defaults);
	}

	/**
	 * Make a new snapshot current. Called by one applier thread per topic at a time.
	 * @param revision its revision
	 * @param value the new state, never mutated afterwards
	 */
	synchronized void swap(Revision revision, T value) {
		HotSwappableTargetSource target = this.targetSource;
		if (target != null) {
			target.swap(value);
		}
		this.state = new Snapshot<>(revision, value);
	}

	@Override
	public Snapshot<T> snapshot() {
		return this.state;
	}

	@Override
	public String toString() {
		return "SyncedValue[topic=" + this.topic + ", revision=" + revision() + "]";
	}

}
