package io.github.statesync.test.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} process on a free loopback port, for tests that must also
 * stop, restart, pause or cut it. The executable is, in order: the
 * {@code STATESYNC_REDIS_SERVER} environment variable or system property,
 * {@code redis-server} on the {@code PATH}, or the Linux/macOS binary shipped in the
 * {@code com.github.codemonstur:embedded-redis} artifact (so a machine with only a JDK
 * can run the tests). Nothing is persisted. Every process started is destroyed by
 * {@link #close()} and, should a test run die first, by a JVM shutdown hook.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisServer implements AutoCloseable {

	private static volatile @Nullable Path shippedExecutable;

	private final RedisProcess process;

	private boolean paused;

	private RedisServer(Path executable, int port) throws IOException {
		Path workDirectory = Files.createTempDirectory("statesync-redis-");
		this.process = new RedisProcess("redis-server on port " + port, executable, workDirectory, port,
				List.of("--port", String.valueOf(port), "--bind", RedisProcess.HOST, "--save", "", "--appendonly", "no",
						"--dir", workDirectory.toString(), "--protected-mode", "no", "--daemonize", "no", "--loglevel",
						"warning"));
	}

	/**
	 * Start a server on a free port with the executable {@link #findExecutable()} finds.
	 * @return the running server
	 */
	public static RedisServer start() {
		return start(findExecutable());
	}

	/**
	 * Start a server on a free port with the given executable.
	 * @param executable the {@code redis-server} binary
	 * @return the running server
	 */
	public static RedisServer start(Path executable) {
		IllegalStateException failure = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			RedisServer server = null;
			try {
				server = new RedisServer(executable, RedisProcess.freePort());
				server.launch();
				return server;
			}
			catch (IOException | UncheckedIOException | IllegalStateException ex) {
				// another process may have taken the port between probe and launch
				failure = new IllegalStateException("Could not start " + executable + ": " + ex.getMessage(), ex);
				if (server != null) {
					server.close();
				}
			}
		}
		throw failure;
	}

	/**
	 * Start a server on a given port.
	 * @param executable the {@code redis-server} binary
	 * @param port the port to listen on
	 * @return the running server
	 * @throws IllegalStateException if it cannot start (for example the port is taken)
	 */
	public static RedisServer start(Path executable, int port) {
		RedisServer server = null;
		try {
			server = new RedisServer(executable, port);
			server.launch();
			return server;
		}
		catch (IOException | UncheckedIOException | IllegalStateException ex) {
			if (server != null) {
				server.close();
			}
			throw new IllegalStateException(
					"Could not start " + executable + " on port " + port + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return the executable to start.
	 * @return the path of a {@code redis-server} binary
	 */
	public static Path findExecutable() {
		String configured = System.getProperty("STATESYNC_REDIS_SERVER", System.getenv("STATESYNC_REDIS_SERVER"));
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured);
		}
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(java.io.File.pathSeparator)) {
				Path candidate = Path.of(directory, "redis-server");
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return shippedExecutable();
	}

	/**
	 * Return the binary shipped by the {@code embedded-redis} artifact, extracted to a
	 * temporary file.
	 * @return the extracted executable
	 * @throws IllegalStateException if no binary ships for this platform
	 */
	public static synchronized Path shippedExecutable() {
		Path extracted = shippedExecutable;
		if (extracted != null) {
			return extracted;
		}
		String resource = shippedResourceName();
		try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("No redis-server on PATH and no shipped binary '" + resource
						+ "' on the classpath: install redis-server or set STATESYNC_REDIS_SERVER");
			}
			Path file = Files.createTempFile("redis-server-", "");
			Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
			file.toFile().setExecutable(true);
			file.toFile().deleteOnExit();
			shippedExecutable = file;
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String shippedResourceName() {
		String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
		boolean arm = arch.contains("aarch64") || arch.contains("arm");
		if (os.contains("mac")) {
			return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
		}
		return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
	}

	private synchronized void launch() {
		this.process.launch();
		this.paused = false;
		try {
			this.process.awaitReady(Duration.ofSeconds(10));
		}
		catch (IllegalStateException ex) {
			this.process.kill();
			throw ex;
		}
	}

	/**
	 * Return the host to connect to.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return RedisProcess.HOST;
	}

	/**
	 * Return the port the server listens on; it stays the same across restarts.
	 * @return the port
	 */
	public int port() {
		return this.process.port();
	}

	/**
	 * Return whether the process is alive.
	 * @return {@code true} if running (paused or not)
	 */
	public synchronized boolean isRunning() {
		return this.process.isAlive();
	}

	/**
	 * Stop the server (data is lost: nothing is persisted).
	 */
	public synchronized void stop() {
		if (this.paused) {
			resume();
		}
		destroy();
	}

	/**
	 * Start the server again on the same port, empty, after {@link #stop()}; stops it
	 * first if it runs.
	 */
	public synchronized void restart() {
		stop();
		launch();
	}

	/**
	 * Freeze the process with {@code SIGSTOP}: connections stay open but nothing answers.
	 */
	public synchronized void pause() {
		this.process.signal("STOP");
		this.paused = true;
	}

	/**
	 * Thaw a paused process with {@code SIGCONT}.
	 */
	public synchronized void resume() {
		this.process.signal("CONT");
		this.paused = false;
	}

	/**
	 * Disconnect every client in pub/sub mode ({@code CLIENT KILL TYPE pubsub}).
	 * @return how many were disconnected
	 */
	public long killPubSubClients() {
		return Long.parseLong(command("CLIENT", "KILL", "TYPE", "pubsub"));
	}

	/**
	 * Run one command over a fresh connection and return its reply: a simple string, an
	 * integer or a bulk string as text ({@code null} for a nil bulk), an array as the
	 * replies of its elements joined by new lines.
	 * @param args the command and its arguments
	 * @return the reply
	 * @throws IllegalStateException if Redis answers an error
	 */
	public @Nullable String command(String... args) {
		String[] encoded = new String[args.length];
		for (int i = 0; i < args.length; i++) {
			encoded[i] = RedisProcess.bytes(args[i]);
		}
		return RedisProcess.text(this.process.call(encoded));
	}

	private synchronized void destroy() {
		if (this.paused) {
			// a stopped process cannot handle SIGTERM
			this.process.kill();
		}
		else {
			this.process.stop();
		}
		this.paused = false;
	}

	/**
	 * Stop the server and delete its working directory.
	 */
	@Override
	public synchronized void close() {
		destroy();
		RedisProcess.delete(this.process.directory());
	}

}
