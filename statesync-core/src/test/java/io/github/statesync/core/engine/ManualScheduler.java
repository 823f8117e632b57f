package io.github.statesync.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link SyncScheduler} on virtual time for deterministic tests: scheduled tasks run
 * only when the test calls {@link #advance(Duration)}; {@link #execute(Runnable)} runs
 * the task inline.
 */
final class ManualScheduler implements SyncScheduler {

	private final PriorityQueue<Task> tasks = new PriorityQueue<>();

	private long now = 1;

	private long sequence;

	private final List<Duration> scheduledDelays = new ArrayList<>();

	@Override
	public synchronized Cancellable schedule(Runnable task, Duration delay) {
		Task scheduled = new Task(this.now + delay.toNanos(), this.sequence++, task);
		this.tasks.add(scheduled);
		this.scheduledDelays.add(delay);
		return () -> {
			synchronized (this) {
				this.tasks.remove(scheduled);
			}
		};
	}

	@Override
	public void execute(Runnable task) {
		task.run();
	}

	@Override
	public synchronized long nanoTime() {
		return this.now;
	}

	/**
	 * Move virtual time forward, running every task that falls due, in order.
	 * @param duration how far
	 */
	void advance(Duration duration) {
		long target;
		synchronized (this) {
			target = this.now + duration.toNanos();
		}
		while (true) {
			Task next;
			synchronized (this) {
				next = this.tasks.peek();
				if (next == null || next.due > target) {
					this.now = target;
					return;
				}
				this.tasks.poll();
				this.now = Math.max(this.now, next.due);
			}
			next.task.run();
		}
	}

	synchronized int pendingTasks() {
		return this.tasks.size();
	}

	synchronized List<Duration> scheduledDelays() {
		return new ArrayList<>(this.scheduledDelays);
	}

	private record Task(long due, long sequence, Runnable task) implements Comparable<Task> {

		@Override
		public int compareTo(Task other) {
			int byDue = Long.compare(this.due, other.due);
			return (byDue != 0) ? byDue : Long.compare(this.sequence, other.sequence);
		}

	}

}
