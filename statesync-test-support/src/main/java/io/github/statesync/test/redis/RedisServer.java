package io.github.statesync.test.redis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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

	private static final Set<RedisServer> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(RedisServer::destroy), "redis-server-cleanup"));
	}

	private static volatile @Nullable Path shippedExecutable;

	private final Path executable;

	private final Path workDirectory;

	private final int port;

	private @Nullable Process process;

	private boolean paused;

	private RedisServer(Path executable, int port) throws IOException {
		this.executable = executable;
		this.port = port;
		this.workDirectory = Files.createTempDirectory("statesync-redis-");
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
				server = new RedisServer(executable, freePort());
				RUNNING.add(server);
				server.launch();
				return server;
			}
			catch (IOException | IllegalStateException ex) {
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
			RUNNING.add(server);
			server.launch();
			return server;
		}
		catch (IOException | IllegalStateException ex) {
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

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
	}

	private synchronized void launch() throws IOException {
		List<String> command = new ArrayList<>(List.of(this.executable.toString(), "--port", String.valueOf(this.port),
				"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", this.workDirectory.toString(),
				"--protected-mode", "no", "--daemonize", "no", "--loglevel", "warning"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.workDirectory.resolve("redis.log").toFile()));
		this.process = builder.start();
		this.paused = false;
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("redis-server exited with " + this.process.exitValue() + ": " + log());
			}
			try {
				if ("PONG".equals(command("PING"))) {
					return;
				}
			}
			catch (UncheckedIOException ex) {
				// not listening yet
			}
			sleep(20);
		}
		destroy();
		throw new IllegalStateException("redis-server did not answer PING within 10 s: " + log());
	}

	/**
	 * Return the host to connect to.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return "127.0.0.1";
	}

	/**
	 * Return the port the server listens on; it stays the same across restarts.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return whether the process is alive.
	 * @return {@code true} if running (paused or not)
	 */
	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
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
		try {
			launch();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Freeze the process with {@code SIGSTOP}: connections stay open but nothing answers.
	 */
	public synchronized void pause() {
		signal("STOP");
		this.paused = true;
	}

	/**
	 * Thaw a paused process with {@code SIGCONT}.
	 */
	public synchronized void resume() {
		signal("CONT");
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
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host(), this.port), 1000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
			for (String arg : args) {
				request.append('$')
					.append(arg.getBytes(StandardCharsets.UTF_8).length)
					.append("\r\n")
					.append(arg)
					.append("\r\n");
			}
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			return readReply(new BufferedInputStream(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static @Nullable String readReply(InputStream in) throws IOException {
		int type = in.read();
		String line = readLine(in);
		switch (type) {
			case '+', ':' -> {
				return line;
			}
			case '-' -> throw new IllegalStateException("Redis error: " + line);
			case '$' -> {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] bytes = in.readNBytes(length + 2);
				return new String(bytes, 0, length, StandardCharsets.UTF_8);
			}
			case '*' -> {
				int count = Integer.parseInt(line);
				List<String> elements = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					elements.add(String.valueOf(readReply(in)));
				}
				return String.join("\n", elements);
			}
			default -> throw new IOException("Unexpected reply type " + type);
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1) {
			if (c == '\r') {
				in.read();
				break;
			}
			line.append((char) c);
		}
		return line.toString();
	}

	private void signal(String signal) {
		Process running = this.process;
		if (running == null || !running.isAlive()) {
			throw new IllegalStateException("redis-server is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(running.pid())).start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private synchronized void destroy() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		if (this.paused) {
			// a stopped process cannot handle SIGTERM
			running.destroyForcibly();
		}
		else {
			running.destroy();
		}
		try {
			if (!running.waitFor(10, TimeUnit.SECONDS)) {
				running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			running.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		this.process = null;
		this.paused = false;
	}

	private String log() {
		try {
			return Files.readString(this.workDirectory.resolve("redis.log"));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Stop the server and delete its working directory.
	 */
	@Override
	public synchronized void close() {
		destroy();
		RUNNING.remove(this);
		try (Stream<Path> files = Files.walk(this.workDirectory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// best effort: it is a temporary directory
		}
	}

}
