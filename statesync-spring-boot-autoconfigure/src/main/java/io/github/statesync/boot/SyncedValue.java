package io.github.statesync.boot;

import java.util.function.Supplier;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * The latest applied snapshot of a topic, as an immutable object: inject
 * {@code SyncedValue<Settings>} (qualify by topic name when several topics share a type)
 * and call {@link #get()} once per unit of work to read a consistent state.
 *
 * @param <T> the type of the state
 * @author statesync
 * @since 0.1.0
 */
public interface SyncedValue<T> extends Supplier<T> {

	/**
	 * Return the current state: the last applied snapshot, or the bean's defaults before
	 * the first one. {@code null} only for a topic configured without a bean before its
	 * first snapshot.
	 * @return the current state
	 */
	@Override
	@Nullable T get();

	/**
	 * Return the revision of the current state.
	 * @return the revision, {@link Revision#ZERO} before the first snapshot
	 */
	Revision revision();

	/**
	 * Return the topic.
	 * @return the topic
	 */
	String topic();

	/**
	 * Return the current state together with its revision, read atomically (calling
	 * {@link #revision()} and {@link #get()} one after the other may straddle an apply).
	 * @return the current snapshot
	 */
	Snapshot<T> snapshot();

	/**
	 * A state and its revision.
	 *
	 * @param <T> the type of the state
	 * @param revision the revision
	 * @param value the state, {@code null} only for a topic without a bean before its
	 * first snapshot
	 */
	record Snapshot<T>(Revision revision, @Nullable T value) {

	}

}
