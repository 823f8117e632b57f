package io.github.statesync.benchmarks.writer;

import java.time.Clock;
import java.time.Duration;

import io.github.statesync.benchmarks.support.ClusterTarget;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.redis.RedisPubSubMode;
import io.github.statesync.redis.RedisSnapshotStore;
import io.github.statesync.redis.RedisTopicKeys;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The writer of the statesync scenarios: a {@link RedisSnapshotStore} on a Lettuce
 * connection factory and client resources of its own, outside any application context, so
 * it shares no connection or event loop with the readers.
 *
 * @author statesync
 */
public final class StatesyncWriter implements AutoCloseable {

	private final ClientResources resources = DefaultClientResources.create();

	private final LettuceConnectionFactory connectionFactory;

	private final RedisSnapshotStore store;

	/**
	 * Connect a writer that never inlines snapshots.
	 * @param redis the server
	 */
	public StatesyncWriter(RedisTarget redis) {
		this(redis, 0);
	}

	/**
	 * Connect a writer.
	 * @param redis the server
	 * @param inlineMaxBytes the largest data carried inside invalidations, {@code 0} for
	 * none
	 */
	public StatesyncWriter(RedisTarget redis, int inlineMaxBytes) {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientResources(this.resources)
			.build();
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), redis.port()), client);
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.store = store(this.connectionFactory, inlineMaxBytes, RedisPubSubMode.CLASSIC);
	}

	/**
	 * Connect a writer to a Redis Cluster.
	 * @param cluster the cluster, and how writes are announced on it
	 * @param inlineMaxBytes the largest data carried inside invalidations, {@code 0} for
	 * none
	 */
	public StatesyncWriter(ClusterTarget cluster, int inlineMaxBytes) {
		this.connectionFactory = cluster.connectionFactory(this.resources);
		this.store = store(this.connectionFactory, inlineMaxBytes, cluster.mode());
	}

	private static RedisSnapshotStore store(LettuceConnectionFactory connectionFactory, int inlineMaxBytes,
			RedisPubSubMode mode) {
		return new RedisSnapshotStore(connectionFactory, new JacksonSyncCodec(), RedisTopicKeys.DEFAULT, "bench-writer",
				Clock.systemUTC(), Duration.ofSeconds(10), (topic) -> JacksonSyncCodec.DEFAULT_MAX_PAYLOAD_BYTES,
				(topic) -> inlineMaxBytes, mode, null);
	}

	/**
	 * Return the publisher.
	 * @return the publisher
	 */
	public StatePublisher publisher() {
		return this.store;
	}

	/**
	 * Return the store behind the publisher, for writes that do not wait.
	 * @return the store
	 */
	public RedisSnapshotStore store() {
		return this.store;
	}

	@Override
	public void close() {
		this.connectionFactory.destroy();
		this.resources.shutdown();
	}

}
