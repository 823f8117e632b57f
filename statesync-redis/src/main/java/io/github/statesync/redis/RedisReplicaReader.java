package io.github.statesync.redis;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.ReadFrom;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Reads snapshots from Redis Cluster replicas: a cluster connection of its own, opened on
 * the application's {@link RedisClusterClient} (so with its addresses, credentials, TLS
 * and topology refresh), whose reads go where a Lettuce {@link ReadFrom} says, for
 * example {@link ReadFrom#REPLICA_PREFERRED}. Only snapshot reads use it: writes and the
 * revisions reconciliation compares stay on the masters. A replica may lag its master; a
 * sync handle that fetched an older revision than announced applies it and fetches again
 * until the announced one arrives.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisReplicaReader implements AutoCloseable {

	private final StatefulRedisClusterConnection<String, byte[]> connection;

	private RedisReplicaReader(StatefulRedisClusterConnection<String, byte[]> connection) {
		this.connection = connection;
	}

	/**
	 * Open a reader on the cluster client. The connection is made lazily by Lettuce for
	 * each node it reads from.
	 * @param client the application's cluster client
	 * @param readFrom where reads go
	 * @return the reader, to {@link #close()}
	 */
	public static RedisReplicaReader create(RedisClusterClient client, ReadFrom readFrom) {
		Objects.requireNonNull(client, "client must not be null");
		Objects.requireNonNull(readFrom, "readFrom must not be null");
		StatefulRedisClusterConnection<String, byte[]> connection = client
			.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
		connection.setReadFrom(readFrom);
		return new RedisReplicaReader(connection);
	}

	/**
	 * Open a reader that prefers replicas ({@link ReadFrom#REPLICA_PREFERRED}) on the
	 * cluster client of a Lettuce connection factory in cluster mode.
	 * @param connectionFactory the started connection factory
	 * @return the reader, to {@link #close()}
	 * @throws IllegalArgumentException if the factory is not a Lettuce cluster factory
	 */
	public static RedisReplicaReader replicaPreferred(RedisConnectionFactory connectionFactory) {
		return create(RedisTopology.clusterClient(connectionFactory), ReadFrom.REPLICA_PREFERRED);
	}

	/**
	 * Read a key.
	 * @param key the key
	 * @return its value, {@code null} if it does not exist
	 */
	CompletableFuture<byte @Nullable []> get(String key) {
		return this.connection.async().get(key).toCompletableFuture();
	}

	@Override
	public void close() {
		this.connection.close();
	}

}
