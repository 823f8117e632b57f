package io.github.statesync.boot;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.github.statesync.core.engine.SyncStatus;
import io.github.statesync.core.engine.TopicStatus;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

/**
 * The latest applied snapshot of a topic, as an immutable object: inject
 * {@code SyncedValue<Settings>} (qualify by topic name when several topics share a type)
 * and call {@link #get()} once per unit of work to read a consistent state.
 * <p>
 * {@link #status()} says whether that state can be trusted to be the fleet's
 * ({@link TopicStatus#CURRENT}), and {@link #whenApplied} and {@link #whenStatus} let
 * code and tests wait for a revision or a status without polling: <pre class="code">
 * settings.whenApplied(published).orTimeout(5, TimeUnit.SECONDS).join();
 * </pre>
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
	 * Return the topic's status: {@link TopicStatus#INITIALIZING} until the topic is
	 * started and has a snapshot, then {@link TopicStatus#CURRENT},
	 * {@link TopicStatus#STALE} or {@link TopicStatus#ON_ARCHIVE}, and
	 * {@link TopicStatus#STOPPED} once the application stopped syncing.
	 * @return the status, since when, and why
	 */
	SyncStatus status();

	/**
	 * Wait until a snapshot at least as new as the given revision is applied (for
	 * {@link Revision#ZERO}: any snapshot). Completes at once if one is; fails with an
	 * {@link IllegalStateException} when syncing stops first. Bound it with
	 * {@link CompletableFuture#orTimeout}; a wait that times out or is cancelled is
	 * forgotten.
	 * @param atLeast the lowest revision that completes the wait
	 * @return a future completing with the revision applied
	 */
	CompletableFuture<Revision> whenApplied(Revision atLeast);

	/**
	 * Wait until the topic's status is the given one. Completes at once if it is; fails
	 * with an {@link IllegalStateException} when syncing stops first (unless waiting for
	 * {@link TopicStatus#STOPPED}). Bound it with {@link CompletableFuture#orTimeout}; a
	 * wait that times out or is cancelled is forgotten.
	 * @param status the status to wait for
	 * @return a future completing with the status when it is reached
	 */
	CompletableFuture<SyncStatus> whenStatus(TopicStatus status);

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
