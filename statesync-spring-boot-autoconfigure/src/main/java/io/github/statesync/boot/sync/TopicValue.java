package io.github.statesync.boot.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncStatus;
import io.github.statesync.core.engine.TopicStatus;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The current state of one topic: an immutable snapshot object and its revision, swapped
 * atomically, and the target source behind the bean's proxy when there is one. Its status
 * and waits are the sync handle's once the topic started; waits asked for before that are
 * handed to the handle when it is attached.
 *
 * @param <T> the type of the state
 * @author statesync
 */
final class TopicValue<T> implements SyncedValue<T> {

	private final String topic;

	private static final Snapshot<?> EMPTY = new Snapshot<>(Revision.ZERO, null);

	@SuppressWarnings("unchecked")
	private volatile Snapshot<T> state = (Snapshot<T>) EMPTY;

	private volatile @Nullable T defaults;

	private volatile @Nullable SyncedTopicTargetSource targetSource;

	private final SyncStatus initializing;

	private volatile @Nullable SyncHandle<?> handle;

	// what the registry keeps of a started topic, here rather than in maps of its own:
	// thousands of topics pay for one map entry each, not four
	private volatile @Nullable SyncHandle<JsonNode> running;

	private volatile @Nullable TopicSettings settings;

	private volatile @Nullable TopicApplier applier;

	// waits asked for before the handle was attached, made on the first; guarded by
	// this
	private @Nullable List<Consumer<SyncHandle<?>>> beforeStart;

	TopicValue(String topic) {
		this(topic, new SyncStatus(TopicStatus.INITIALIZING, Instant.now(), null));
	}

	TopicValue(String topic, SyncStatus initializing) {
		this.topic = topic;
		this.initializing = initializing;
	}

	void register(SyncHandle<JsonNode> started, TopicSettings settings, TopicApplier applier) {
		this.settings = settings;
		this.applier = applier;
		this.running = started;
		attach(started);
	}

	void unregister(SyncHandle<JsonNode> stopped) {
		if (this.running == stopped) {
			this.running = null;
		}
	}

	@Nullable SyncHandle<JsonNode> running() {
		return this.running;
	}

	@Nullable TopicSettings settings() {
		return this.settings;
	}

	@Nullable TopicApplier applier() {
		return this.applier;
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

	synchronized void initialize(T defaults, @Nullable SyncedTopicTargetSource targetSource) {
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
		SyncedTopicTargetSource target = this.targetSource;
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
	public SyncStatus status() {
		SyncHandle<?> current = this.handle;
		return (current != null) ? current.status() : this.initializing;
	}

	@Override
	public CompletableFuture<Revision> whenApplied(Revision atLeast) {
		return await((attached) -> attached.whenApplied(atLeast));
	}

	@Override
	public CompletableFuture<SyncStatus> whenStatus(TopicStatus status) {
		if (status == TopicStatus.INITIALIZING && this.handle == null) {
			return CompletableFuture.completedFuture(this.initializing);
		}
		return await((attached) -> attached.whenStatus(status));
	}

	private <R> CompletableFuture<R> await(Function<SyncHandle<?>, CompletableFuture<R>> wait) {
		SyncHandle<?> current;
		synchronized (this) {
			current = this.handle;
			if (current == null) {
				CompletableFuture<R> result = new CompletableFuture<>();
				Consumer<SyncHandle<?>> handOver = (attached) -> forward(wait.apply(attached), result);
				if (this.beforeStart == null) {
					this.beforeStart = new ArrayList<>();
				}
				this.beforeStart.add(handOver);
				// a caller's timeout leaves nothing behind
				result.whenComplete((value, failure) -> forget(handOver));
				return result;
			}
		}
		return wait.apply(current);
	}

	private synchronized void forget(Consumer<SyncHandle<?>> handOver) {
		if (this.beforeStart != null) {
			this.beforeStart.remove(handOver);
		}
	}

	private static <R> void forward(CompletableFuture<R> source, CompletableFuture<R> target) {
		source.whenComplete((value, failure) -> {
			if (failure != null) {
				target.completeExceptionally(failure);
			}
			else {
				target.complete(value);
			}
		});
		// the caller gave up: the handle forgets its wait too
		target.whenComplete((value, failure) -> source.cancel(false));
	}

	/**
	 * The topic's sync handle was created: status and waits are its from now on.
	 * @param started the handle
	 */
	void attach(SyncHandle<?> started) {
		List<Consumer<SyncHandle<?>>> waiting;
		synchronized (this) {
			this.handle = started;
			waiting = (this.beforeStart != null) ? this.beforeStart : List.of();
			this.beforeStart = null;
		}
		waiting.forEach((handOver) -> handOver.accept(started));
	}

	@Override
	public String toString() {
		return "SyncedValue[topic=" + this.topic + ", revision=" + revision() + ", status=" + status().status() + "]";
	}

}
