package io.github.statesync.boot.sync;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.TargetSource;
import org.springframework.util.Assert;

/**
 * The target source behind a {@code @SyncedTopic} bean's class proxy: the topic's current
 * snapshot object, held in a volatile field. Every call on the proxy reads that field
 * once and runs on the object read, so a call sees one whole snapshot; a new snapshot is
 * one volatile write, seen by every call that starts after it. Unlike Spring's
 * {@code HotSwappableTargetSource}, no call takes a lock.
 * <p>
 * Not static: a proxy caches the target of a static target source, and would keep the
 * first snapshot. Static-ness is also part of the key of the proxy class, so the class
 * predicted for AOT processing is made with a non-static target source too.
 * <p>
 * Equal to another of its kind with an equal current target, like the target source it
 * replaces, so that two proxies over equal snapshots are equal as before.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class SyncedTopicTargetSource implements TargetSource {

	private final Class<?> targetClass;

	private volatile Object target;

	/**
	 * Create a target source whose first target is the bean itself.
	 * @param initialTarget the bean instance
	 */
	public SyncedTopicTargetSource(Object initialTarget) {
		Assert.notNull(initialTarget, "'initialTarget' must not be null");
		this.targetClass = initialTarget.getClass();
		this.target = initialTarget;
	}

	/**
	 * Return the class of the bean the proxy was made for, which every later snapshot
	 * object has too.
	 * @return the class of the first target
	 */
	@Override
	public Class<?> getTargetClass() {
		return this.targetClass;
	}

	/**
	 * Return {@code false}: the target changes, so the proxy asks for it on every call.
	 * @return {@code false}
	 */
	@Override
	public boolean isStatic() {
		return false;
	}

	/**
	 * Return the current snapshot object.
	 * @return the current target
	 */
	@Override
	public Object getTarget() {
		return this.target;
	}

	/**
	 * Make a new snapshot object current; calls that start afterwards run on it.
	 * @param newTarget the new snapshot object, never mutated afterwards
	 */
	void swap(Object newTarget) {
		Assert.notNull(newTarget, "'newTarget' must not be null");
		this.target = newTarget;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof SyncedTopicTargetSource that && this.target.equals(that.target));
	}

	@Override
	public int hashCode() {
		// constant: the target changes
		return SyncedTopicTargetSource.class.hashCode();
	}

	@Override
	public String toString() {
		return "SyncedTopicTargetSource for target object [" + this.target + "]";
	}

}
