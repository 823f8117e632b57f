package io.github.statesync.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.statesync.core.engine.RetryPolicy;
import io.github.statesync.core.engine.SyncOptions;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.test.redis.RedisServer;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the fault-injection tests share: the convergence check against what Redis holds,
 * the report line, a writer that keeps writing through a fault, and the options of the
 * followers.
 */
final class FaultSupport {

	/**
	 * How long after a fault ends every node must hold the latest revision: a generous
	 * liveness bound for a loaded 2-core machine, never a speed assertion. The slowest
	 * path it covers is Lettuce's reconnect back-off after Redis was down.
	 */
	static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(15);

	/** Retries that give up within about a second, so a test sees the whole cycle. */
	static final RetryPolicy FAST_RETRIES = new RetryPolicy(5, Duration.ofMillis(50), 2.0, Duration.ofMillis(500));

	/** Follower options: fast retries and a fetch timeout a little above the client's. */
	static final SyncOptions FAULT_OPTIONS = SyncOptions.DEFAULTS.withFailStartOnError(false)
		.withRetry(FAST_RETRIES)
		.withFetchTimeout(Duration.ofSeconds(3));

	private FaultSupport() {
	}

	/**
	 * Return the revision Redis holds for the topic.
	 * @param server the server
	 * @param topic the topic
	 * @return the revision, or {@code null} if the topic was never written (or Redis lost
	 * it)
	 */
	static @Nullable Revision redisRevision(RedisServer server, String topic) {
		String revision = server.command("GET", RedisTopicKeys.DEFAULT.revisionKey(topic));
		return (revision != null) ? Revision.parse(revision) : null;
	}

	/**
	 * Wait until every follower holds the revision and the data Redis holds for the
	 * topic, at most {@link #CONVERGENCE_BOUND}, then check the followers' invariants.
	 * @param server the server
	 * @param topic the topic
	 * @param followers the followers
	 * @param faultEndedNanos when the fault ended ({@link System#nanoTime()})
	 * @return how many milliseconds after the fault ended every follower had converged
	 */
	static long awaitConverged(RedisServer server, String topic, Collection<Follower> followers, long faultEndedNanos) {
		JacksonSyncCodec codec = new JacksonSyncCodec();
		String snapshotKey = RedisTopicKeys.DEFAULT.snapshotKey(topic);
		await("every node on the revision Redis holds").atMost(CONVERGENCE_BOUND)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(20))
			.ignoreExceptions()
			.untilAsserted(() -> {
				String stored = server.command("GET", snapshotKey);
				assertThat(stored).as("snapshot in Redis").isNotNull();
				SnapshotEnvelope<Settings> latest = codec.decodeSnapshot(stored.getBytes(StandardCharsets.UTF_8),
						Settings.class);
				assertThat(followers).allSatisfy((follower) -> {
					assertThat(follower.localRevision()).as(follower.name()).isEqualTo(latest.revision());
					assertThat(follower.value.get()).as(follower.name()).isEqualTo(latest.data());
				});
			});
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultEndedNanos);
		assertInvariants(followers);
		return millis;
	}

	/**
	 * Wait until the topic's channel has the given number of subscribers: after a pub/sub
	 * connection was killed, events published before a node resubscribed are lost (the
	 * node resyncs instead), so a test that needs an event delivered waits for this
	 * first.
	 * @param server the server
	 * @param topic the topic
	 * @param subscribers how many subscribers to wait for
	 */
	static void awaitSubscribers(RedisServer server, String topic, int subscribers) {
		await("every node subscribed").atMost(CONVERGENCE_BOUND)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> String.valueOf(server.command("PUBSUB", "NUMSUB", RedisTopicKeys.DEFAULT.channel(topic)))
				.endsWith("\n" + subscribers));
	}

	/**
	 * Check that no follower applied a revision not newer than the one before, nor the
	 * data of a malformed snapshot.
	 * @param followers the followers
	 */
	static void assertInvariants(Collection<Follower> followers) {
		assertThat(followers).allSatisfy((follower) -> assertThat(follower.violations).as(follower.name()).isEmpty());
	}

	/**
	 * Print the line the fault-injection note is built from.
	 * @param fault the fault's name
	 * @param millis the convergence time
	 * @param writes the writes that succeeded during the fault
	 * @param details anything else worth noting, or empty
	 */
	static void report(String fault, long millis, int writes, String details) {
		System.out.printf("FAULT %s: converged %d ms after fault ended, %d writes during fault%s%n", fault, millis,
				writes, details.isEmpty() ? "" : " (" + details + ")");
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Heal Redis whatever a test left it in: start it if stopped, resume it if paused.
	 * @param server the server
	 */
	static void heal(RedisServer server) {
		if (!server.isRunning()) {
			server.restart();
			return;
		}
		try {
			server.resume();
		}
		catch (IllegalStateException ex) {
			// it was not paused
		}
	}

	/**
	 * Writes the topic at a steady pace on a thread of its own until stopped, through a
	 * fault: a write that fails with a {@link PublishException} is expected and counted
	 * as refused, not written; any other failure is recorded as unexpected.
	 */
	static final class BackgroundWriter implements AutoCloseable {

		private final RedisSnapshotStore store;

		private final String topic;

		private final Duration pace;

		private final List<Write> written = new CopyOnWriteArrayList<>();

		final AtomicInteger refused = new AtomicInteger();

		final List<Throwable> unexpected = new CopyOnWriteArrayList<>();

		private final Thread thread;

		private volatile boolean running = true;

		BackgroundWriter(TestNode node, String topic, Duration pace) {
			this.store = node.store;
			this.topic = topic;
			this.pace = pace;
			this.thread = new Thread(this::run, "writer-" + node.id);
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void run() {
			int sequence = 0;
			while (this.running) {
				sequence++;
				try {
					Revision revision = this.store.publish(this.topic, Settings.of("w" + sequence, sequence));
					this.written.add(new Write(System.nanoTime(), revision));
				}
				catch (PublishException ex) {
					this.refused.incrementAndGet();
				}
				catch (RuntimeException ex) {
					this.unexpected.add(ex);
				}
				pause(this.pace);
			}
		}

		int written() {
			return this.written.size();
		}

		int writtenBetween(long fromNanos, long toNanos) {
			return (int) this.written.stream()
				.filter((write) -> write.nanos - fromNanos >= 0 && toNanos - write.nanos >= 0)
				.count();
		}

		int writtenAfter(long fromNanos) {
			return (int) this.written.stream().filter((write) -> write.nanos - fromNanos >= 0).count();
		}

		void stop() {
			this.running = false;
			try {
				this.thread.join(TimeUnit.SECONDS.toMillis(30));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			assertThat(this.thread.isAlive()).as("writer stopped").isFalse();
		}

		@Override
		public void close() {
			if (this.thread.isAlive()) {
				stop();
			}
			assertThat(this.unexpected).as("write failures other than PublishException").isEmpty();
		}

		private record Write(long nanos, Revision revision) {

		}

	}

}
