package io.github.statesync.redis;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Snapshot reads as plain Lettuce asynchronous {@code GET}s on one connection of the
 * application's Lettuce connection factory, kept for every read: the factory's shared
 * native connection (Spring Data Redis's default), or, when the application turned
 * sharing off, one connection of its own from the factory, held until {@link #close()}.
 * It is the factory's connection, so it has the application's topology (standalone,
 * Sentinel, master/replica or Cluster, whose commands go to the key's master), its
 * credentials and TLS, its command timeout and Lettuce's reconnection; a connection the
 * factory closed (a reset or a restart of the factory) is replaced at the next read.
 * Failures are translated as Spring Data Redis translates them, so they read as those of
 * a {@code ReactiveRedisTemplate} read.
 *
 * @author statesync
 */
final class LettuceSnapshotReads implements AutoCloseable {

	private final LettuceConnectionFactory connectionFactory;

	private final Object lock = new Object();

	private volatile @Nullable Held held;

	private volatile boolean closed;

	LettuceSnapshotReads(LettuceConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	/**
	 * Read a key. The future completes on the client's I/O thread, and fails with the
	 * Lettuce exception the command failed with ({@link #translate(Throwable)} names it
	 * as Spring Data Redis would).
	 * @param key the key
	 * @return its value, {@code null} if it does not exist
	 */
	CompletableFuture<byte @Nullable []> get(String key) {
		Held current;
		try {
			current = held();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return current.commands.get(key.getBytes(StandardCharsets.UTF_8)).toCompletableFuture();
	}

	/**
	 * Name a failure as Spring Data Redis does ({@code RedisSystemException},
	 * {@code QueryTimeoutException}, {@code RedisConnectionFailureException}), and drop a
	 * connection that is no longer open so that the next read takes the factory's current
	 * one.
	 * @param failure what a read failed with
	 * @return the translated failure
	 */
	Throwable translate(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		Held current = this.held;
		if (current != null && current.isClosed()) {
			release(current);
		}
		if (cause instanceof RuntimeException runtime && !(cause instanceof DataAccessException)) {
			DataAccessException translated = this.connectionFactory.translateExceptionIfPossible(runtime);
			if (translated != null) {
				return translated;
			}
		}
		return cause;
	}

	private Held held() {
		Held current = this.held;
		if (current != null) {
			return current;
		}
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("The snapshot store is closed");
			}
			current = this.held;
			if (current == null) {
				LettuceConnection connection = (LettuceConnection) this.connectionFactory.getConnection();
				try {
					current = new Held(connection, connection.getNativeConnection());
				}
				catch (RuntimeException ex) {
					connection.close();
					throw ex;
				}
				this.held = current;
			}
			return current;
		}
	}

	private void release(Held current) {
		synchronized (this.lock) {
			if (this.held == current) {
				this.held = null;
			}
		}
		current.connection.close();
	}

	@Override
	public void close() {
		Held current;
		synchronized (this.lock) {
			this.closed = true;
			current = this.held;
			this.held = null;
		}
		if (current != null) {
			current.connection.close();
		}
	}

	/**
	 * The factory's connection and its asynchronous commands (the shared native
	 * connection's, or a dedicated one's, which closing the connection releases).
	 */
	private record Held(LettuceConnection connection, RedisClusterAsyncCommands<byte[], byte[]> commands) {

		/**
		 * Return whether the native connection was closed for good (not merely
		 * disconnected while Lettuce reconnects it).
		 */
		boolean isClosed() {
			StatefulConnection<?, ?> stateful = (this.commands instanceof RedisAsyncCommands<?, ?> standalone)
					? standalone.getStatefulConnection()
					: (this.commands instanceof RedisAdvancedClusterAsyncCommands<?, ?> cluster)
							? cluster.getStatefulConnection() : null;
			if (stateful instanceof RedisChannelHandler<?, ?> handler) {
				return handler.isClosed();
			}
			return stateful != null && !stateful.isOpen();
		}

	}

}
