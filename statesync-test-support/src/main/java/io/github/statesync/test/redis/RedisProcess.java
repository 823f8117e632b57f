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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * One {@code redis-server} process (a plain server, a cluster node or a sentinel) on a
 * loopback port with its own working directory, and a minimal RESP client. Every process
 * started is tracked until it is stopped and destroyed by a JVM shutdown hook should a
 * test run die first. Shared by {@link RedisServer}, {@link RedisCluster} and
 * {@link RedisSentinelGroup} so that they start, wait for, kill and clean up processes
 * the same way.
 *
 * @author statesync
 */
final class RedisProcess {

	static final String HOST = "127.0.0.1";

	private static final Set<RedisProcess> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(RedisProcess::kill), "redis-server-cleanup"));
	}

	private final String name;

	private final Path executable;

	private final Path directory;

	private final int port;

	private final List<String> arguments;

	private @Nullable Process process;

	/**
	 * Create a process description; nothing is started.
	 * @param name a name for messages, such as {@code "cluster node 127.0.0.1:30001"}
	 * @param executable the {@code redis-server} binary
	 * @param directory the working directory, holding {@code redis.log}
	 * @param port the port it listens on, to wait for its {@code PING}
	 * @param arguments the arguments after the executable (a config file, options)
	 */
	RedisProcess(String name, Path executable, Path directory, int port, List<String> arguments) {
		this.name = name;
		this.executable = executable;
		this.directory = directory;
		this.port = port;
		this.arguments = List.copyOf(arguments);
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	Path directory() {
		return this.directory;
	}

	/**
	 * Launch the process without waiting for it to answer; see {@link #awaitReady}.
	 * @throws UncheckedIOException if it cannot be launched
	 */
	synchronized void launch() {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException(this.name + " is already running");
		}
		List<String> command = new ArrayList<>();
		command.add(this.executable.toString());
		command.addAll(this.arguments);
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("redis.log").toFile()));
		try {
			RUNNING.add(this);
			this.process = builder.start();
		}
		catch (IOException ex) {
			RUNNING.remove(this);
			throw new UncheckedIOException("Could not launch " + this.name, ex);
		}
	}

	/**
	 * Launch a stopped process again on its own port and wait until it answers, trying up
	 * to three times half a second apart: the port of a process just killed may not be
	 * free yet.
	 * @param timeout how long each attempt waits for {@code PING}
	 * @throws IllegalStateException if the process is running, or with the last attempt's
	 * failure
	 */
	void relaunch(Duration timeout) {
		if (isAlive()) {
			throw new IllegalStateException(this + " is running");
		}
		for (int attempt = 1;; attempt++) {
			try {
				launch();
				awaitReady(timeout);
				return;
			}
			catch (IllegalStateException ex) {
				kill();
				if (attempt == 3) {
					throw ex;
				}
				sleep(500);
			}
		}
	}

	/**
	 * Wait until the process answers {@code PING}.
	 * @param timeout how long to wait
	 * @throws IllegalStateException if it exits or does not answer in time, with the tail
	 * of its log
	 */
	void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Process running = this.process;
			if (running == null || !running.isAlive()) {
				throw new IllegalStateException(this.name + " exited"
						+ ((running != null) ? " with " + running.exitValue() : "") + ": " + logTail());
			}
			try {
				if ("PONG".equals(call(this.port, "PING"))) {
					return;
				}
			}
			catch (UncheckedIOException | IllegalStateException ex) {
				// not listening yet, or still loading
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						this.name + " did not answer PING within " + timeout.toMillis() + " ms: " + logTail());
			}
			sleep(20);
		}
	}

	/**
	 * Return whether the process is alive.
	 * @return {@code true} if running
	 */
	synchronized boolean isAlive() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Return the operating system id of the running process.
	 * @return the pid, or {@code -1} when not running
	 */
	synchronized long pid() {
		return (this.process != null) ? this.process.pid() : -1;
	}

	/**
	 * Stop with {@code SIGKILL}: no shutdown save, no goodbye to peers.
	 */
	synchronized void kill() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroyForcibly();
		await(running);
		this.process = null;
		RUNNING.remove(this);
	}

	/**
	 * Stop with {@code SIGTERM}, then {@code SIGKILL} if it lingers.
	 */
	synchronized void stop() {
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroy();
		try {
			if (!running.waitFor(10, TimeUnit.SECONDS)) {
				running.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			running.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		await(running);
		this.process = null;
		RUNNING.remove(this);
	}

	private static void await(Process process) {
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Send a signal ({@code STOP}, {@code CONT}) to the running process.
	 * @param signal the signal name without {@code SIG}
	 */
	void signal(String signal) {
		long pid = pid();
		if (!isAlive()) {
			throw new IllegalStateException(this.name + " is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
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

	/**
	 * Return the whole log of the process.
	 * @return the log, or {@code "(no log)"}
	 */
	String log() {
		try {
			return Files.readString(this.directory.resolve("redis.log"));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	/**
	 * Return the last lines of the log, for error messages.
	 * @return at most 15 lines
	 */
	String logTail() {
		String[] lines = log().split("\n");
		int from = Math.max(0, lines.length - 15);
		return "log tail of " + this.name + " (" + this.directory + "):\n"
				+ String.join("\n", List.of(lines).subList(from, lines.length));
	}

	/**
	 * Run one command over a fresh connection to this process.
	 * @param args the command and its arguments
	 * @return the reply as {@link #call(int, String...)} gives it
	 */
	@Nullable Object call(String... args) {
		return call(this.port, args);
	}

	/**
	 * Return a free loopback port, as the operating system picks it.
	 * @return the port
	 */
	static int freePort() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(HOST, 0));
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Delete a directory tree, best effort.
	 * @param directory the directory
	 */
	static void delete(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// best effort: it is a temporary directory
		}
	}

	/**
	 * Run one command over a fresh connection. Strings are sent and read as ISO-8859-1 so
	 * that keys of any bytes travel back unchanged (as in {@code MIGRATE}).
	 * @param port the port on {@link #HOST}
	 * @param args the command and its arguments
	 * @return a {@code String} for a simple or bulk string, a {@code Long} for an
	 * integer, a {@code List} for an array, {@code null} for a nil
	 * @throws IllegalStateException if Redis answers an error
	 * @throws UncheckedIOException if it cannot connect or the connection fails
	 */
	static @Nullable Object call(int port, String... args) {
		return call(port, Duration.ofSeconds(5), args);
	}

	/**
	 * Run one command over a fresh connection, waiting at most {@code timeout} for the
	 * reply (a paused process accepts connections but never answers).
	 * @param port the port on {@link #HOST}
	 * @param timeout how long to wait for the reply
	 * @param args the command and its arguments
	 * @return the reply as {@link #call(int, String...)} gives it
	 */
	static @Nullable Object call(int port, Duration timeout, String... args) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), 1000);
			socket.setSoTimeout((int) timeout.toMillis());
			OutputStream out = socket.getOutputStream();
			StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
			for (String arg : args) {
				request.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
			}
			out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			return readReply(new BufferedInputStream(socket.getInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis on port " + port + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Render a reply as text: integers as digits, arrays as the texts of their elements
	 * joined by new lines, a nil as {@code null}; bytes are decoded as UTF-8.
	 * @param reply a reply of {@link #call(int, String...)}
	 * @return the text
	 */
	static @Nullable String text(@Nullable Object reply) {
		if (reply == null) {
			return null;
		}
		if (reply instanceof List<?> elements) {
			List<String> texts = new ArrayList<>();
			for (Object element : elements) {
				texts.add(String.valueOf(text(element)));
			}
			return String.join("\n", texts);
		}
		String text = reply.toString();
		return new String(text.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
	}

	/**
	 * Encode a UTF-8 argument the way {@link #call(int, String...)} sends strings.
	 * @param text the text
	 * @return the same bytes as an ISO-8859-1 string
	 */
	static String bytes(String text) {
		return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
	}

	private static @Nullable Object readReply(InputStream in) throws IOException {
		int type = in.read();
		String line = readLine(in);
		switch (type) {
			case '+' -> {
				return line;
			}
			case ':' -> {
				return Long.parseLong(line);
			}
			case '-' -> throw new IllegalStateException("Redis error: " + line);
			case '$' -> {
				int length = Integer.parseInt(line);
				if (length < 0) {
					return null;
				}
				byte[] bytes = in.readNBytes(length + 2);
				return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
			}
			case '*' -> {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<@Nullable Object> elements = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					elements.add(readReply(in));
				}
				return elements;
			}
			case -1 -> throw new IOException("Connection closed");
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

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String toString() {
		return this.name;
	}

}
