package io.github.statesync.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.Subscription;
import org.jspecify.annotations.Nullable;

/**
 * Three "nodes" in one JVM follow the topic {@code settings} through an in-memory bus:
 * one publishes, every node applies, and a duplicated and a reordered invalidation are
 * dropped by the revision gate. The Spring Boot web sample that syncs across JVMs over
 * Redis replaces this demo once the Redis transport and the auto-configuration exist.
 *
 * @author statesync
 */
public final class SampleApplication {

	private SampleApplication() {
	}

	public static void main(String[] args) throws Exception {
		InMemoryBus bus = new InMemoryBus();
		Map<String, SyncHandle<String>> nodes = new LinkedHashMap<>();
		for (String node : List.of("node-a", "node-b", "node-c")) {
			SyncHandle<String> handle = SyncHandle
				.<String>builder("settings", bus, bus,
						(snapshot) -> System.out.printf("%s applied settings at revision %s: %s%n", node,
								snapshot.revision(), snapshot.data()))
				.build();
			handle.start().get(5, TimeUnit.SECONDS);
			nodes.put(node, handle);
		}
		bus.publish("settings", "{\"theme\":\"dark\",\"maxUploadMb\":25}");
		bus.publish("settings", "{\"theme\":\"light\",\"maxUploadMb\":50}");
		System.out.println("Replaying revision 1 and duplicating revision 2: every node drops them without a fetch");
		bus.announce("settings", Revision.of(1));
		bus.announce("settings", Revision.of(2));
		nodes.forEach((node, handle) -> {
			handle.stop();
			System.out.printf("%s stopped at revision %s%n", node, handle.localRevision());
		});
	}

	/**
	 * The smallest transport: a map of snapshots and a list of listeners per topic.
	 */
	static final class InMemoryBus implements InvalidationSubscriber, SnapshotProvider<String> {

		private final Map<String, SnapshotEnvelope<String>> snapshots = new ConcurrentHashMap<>();

		private final Map<String, List<InvalidationListener>> listeners = new ConcurrentHashMap<>();

		@Override
		public Subscription subscribe(String topic, InvalidationListener listener) {
			this.listeners.computeIfAbsent(topic, (key) -> new CopyOnWriteArrayList<>()).add(listener);
			return () -> this.listeners.get(topic).remove(listener);
		}

		@Override
		public CompletableFuture<@Nullable SnapshotEnvelope<String>> fetch(String topic, Revision knownRevision) {
			return CompletableFuture.completedFuture(this.snapshots.get(topic));
		}

		synchronized void publish(String topic, String data) {
			SnapshotEnvelope<String> current = this.snapshots.get(topic);
			Revision next = (current != null) ? current.revision().next() : Revision.of(1);
			this.snapshots.put(topic, new SnapshotEnvelope<>(next, data));
			announce(topic, next);
		}

		void announce(String topic, Revision revision) {
			InvalidationEvent event = InvalidationEvent.of(topic, revision);
			this.listeners.getOrDefault(topic, List.of()).forEach((listener) -> listener.onInvalidation(event));
		}

	}

}
