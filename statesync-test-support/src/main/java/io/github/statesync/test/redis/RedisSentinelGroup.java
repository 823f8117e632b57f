package io.github.statesync.test.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A local Sentinel group of real {@code redis-server} processes on free loopback ports:
 * one master, one replica and three sentinels monitoring the master as
 * {@value #MASTER_NAME} with a quorum of 2. Sentinels declare a master down after
 * {@value #DOWN_AFTER_MILLIS} ms and a failover times out after
 * {@value #FAILOVER_TIMEOUT_MILLIS} ms, so tests fail over in seconds. Nothing is
 * persisted; every process is stopped by {@link #close()} and, should a test run die
 * first, by a JVM shutdown hook.
 * <p>
 * Which node is the master is always asked of the sentinels ({@link #master()}), never
 * remembered from the start.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisSentinelGroup implements AutoCloseable {

	/**
	 * Name the sentinels monitor the master under.
	 */
	public static final String MASTER_NAME = "statesync";

	static final int DOWN_AFTER_MILLIS = 1000;

	/**
	 * Short, but not too short: a sentinel does not start another automatic failover of
	 * the same master within twice this time.
	 */
	static final int FAILOVER_TIMEOUT_MILLIS = 3000;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private final Path executable;

	private final Path root;

	private final Map<Integer, RedisProcess> dataNodes = new LinkedHashMap<>();

	private final Map<Integer, RedisProcess> sentinels = new LinkedHashMap<>();

	private RedisSentinelGroup(Path executable, Path root) {
		this.executable = executable;
		this.root = root;
	}

	/**
	 * Start a master, a replica in sync with it and three sentinels that all see the
	 * master, the replica and each other.
	 * @return the running group
	 * @throws IllegalStateException if it cannot start, naming the process and its log
	 */
	public static RedisSentinelGroup start() {
		RedisSentinelGroup group;
		try {
			group = new RedisSentinelGroup(RedisServer.findExecutable(),
					Files.createTempDirectory("statesync-sentinel-"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			group.create();
			return group;
		}
		catch (RuntimeException ex) {
			group.close();
			throw ex;
		}
	}

	private void create() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		RedisProcess master = launch("data-0", (port) -> dataConfig(port, null), this.dataNodes);
		RedisProcess replica = launch("data-1", (port) -> dataConfig(port, master.port()), this.dataNodes);
		awaitInSync(replica, deadline);
		List<RedisProcess> started = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			started.add(launch("sentinel-" + i, (port) -> sentinelConfig(port, master.port()), this.sentinels));
		}
		for (RedisProcess sentinel : started) {
			while (true) {
				String problem = sentinelProblem(sentinel);
				if (problem == null) {
					break;
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(sentinel + ": " + problem + "; " + sentinel.logTail());
				}
				RedisProcess.sleep(50);
			}
		}
	}

	private static @Nullable String sentinelProblem(RedisProcess sentinel) {
		try {
			Map<String, String> master = fields(sentinel.call("SENTINEL", "MASTER", MASTER_NAME));
			if (!"master".equals(master.get("flags"))) {
				return "master flags " + master.get("flags");
			}
			if (!"1".equals(master.get("num-slaves"))) {
				return "sees " + master.get("num-slaves") + " replicas";
			}
			if (!"2".equals(master.get("num-other-sentinels"))) {
				return "sees " + master.get("num-other-sentinels") + " other sentinels";
			}
			return null;
		}
		catch (RuntimeException ex) {
			return ex.getMessage();
		}
	}

	private RedisProcess launch(String name, IntFunction<String> config, Map<Integer, RedisProcess> into) {
		IllegalStateException failure = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			int port = RedisProcess.freePort();
			Path directory = this.root.resolve(name + "-" + port);
			boolean sentinel = into == this.sentinels;
			Path file = directory.resolve(sentinel ? "sentinel.conf" : "redis.conf");
			try {
				Files.createDirectories(directory);
				Files.writeString(file, config.apply(port).replace("$DIR", directory.toString()),
						StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			List<String> arguments = sentinel ? List.of(file.toString(), "--sentinel") : List.of(file.toString());
			RedisProcess process = new RedisProcess(
					(sentinel ? "sentinel " : "redis-server ") + RedisProcess.HOST + ":" + port, this.executable,
					directory, port, arguments);
			into.put(port, process);
			try {
				process.launch();
				process.awaitReady(Duration.ofSeconds(20));
				return process;
			}
			catch (IllegalStateException ex) {
				// the port may have been taken between probe and bind: try new ports
				failure = ex;
				process.kill();
				into.remove(port);
				RedisProcess.delete(directory);
			}
		}
		throw Objects.requireNonNull(failure);
	}

	private static String dataConfig(int port, @Nullable Integer masterPort) {
		List<String> lines = new ArrayList<>(List.of("port " + port, "bind " + RedisProcess.HOST, "protected-mode no",
				"daemonize no", "dir $DIR", "logfile \"\"", "loglevel notice", "save \"\"", "appendonly no",
				"repl-diskless-sync yes", "repl-diskless-sync-delay 0"));
		if (masterPort != null) {
			lines.add("replicaof " + RedisProcess.HOST + " " + masterPort);
		}
		lines.add("");
		return String.join("\n", lines);
	}

	private static String sentinelConfig(int port, int masterPort) {
		return String.join("\n", "port " + port, "bind " + RedisProcess.HOST, "protected-mode no", "daemonize no",
				"dir $DIR", "logfile \"\"", "loglevel notice",
				"sentinel monitor " + MASTER_NAME + " " + RedisProcess.HOST + " " + masterPort + " 2",
				"sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
				"sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS,
				"sentinel parallel-syncs " + MASTER_NAME + " 1", "");
	}

	/**
	 * Return the name the sentinels monitor the master under.
	 * @return {@value #MASTER_NAME}
	 */
	public String masterName() {
		return MASTER_NAME;
	}

	/**
	 * Return the sentinel addresses, for {@code spring.data.redis.sentinel.nodes}.
	 * @return {@code "127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3"}
	 */
	public String sentinelsProperty() {
		return this.sentinels.keySet()
			.stream()
			.map((port) -> RedisProcess.HOST + ":" + port)
			.collect(Collectors.joining(","));
	}

	/**
	 * Return the master as most live sentinels name it now
	 * ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}).
	 * @return the master's address
	 * @throws IllegalStateException if no sentinel answers
	 */
	public HostAndPort master() {
		Map<HostAndPort, Integer> votes = new HashMap<>();
		for (RedisProcess sentinel : alive(this.sentinels)) {
			try {
				votes.merge(masterSeenBy(sentinel), 1, Integer::sum);
			}
			catch (RuntimeException ex) {
				// that sentinel does not answer: the others decide
			}
		}
		return votes.entrySet()
			.stream()
			.max(Map.Entry.comparingByValue())
			.map(Map.Entry::getKey)
			.orElseThrow(() -> new IllegalStateException("No sentinel names a master"));
	}

	private static HostAndPort masterSeenBy(RedisProcess sentinel) {
		List<?> address = (List<?>) Objects
			.requireNonNull(sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME));
		return new HostAndPort((String) address.get(0), Integer.parseInt((String) address.get(1)));
	}

	/**
	 * Return the replicas a live sentinel knows and does not consider down or
	 * disconnected ({@code SENTINEL REPLICAS}).
	 * @return the replicas' addresses
	 */
	public List<HostAndPort> replicas() {
		RedisProcess sentinel = alive(this.sentinels).stream()
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No sentinel is running"));
		List<HostAndPort> replicas = new ArrayList<>();
		for (Object replica : (List<?>) Objects.requireNonNull(sentinel.call("SENTINEL", "REPLICAS", MASTER_NAME))) {
			Map<String, String> fields = fields(replica);
			String flags = String.valueOf(fields.get("flags"));
			if (!flags.contains("s_down") && !flags.contains("disconnected")) {
				replicas.add(new HostAndPort(Objects.requireNonNull(fields.get("ip")),
						Integer.parseInt(Objects.requireNonNull(fields.get("port")))));
			}
		}
		return replicas;
	}

	/**
	 * Ask a sentinel to fail over now ({@code SENTINEL FAILOVER statesync}), retrying for
	 * a few seconds while it has no good replica yet or a failover is in progress; see
	 * {@link #awaitNewMaster(HostAndPort, Duration)} to wait for the outcome. The old
	 * master keeps running as a master until the sentinels convert it into a replica of
	 * the new one, which they do only after it has reported its role for 8 s (four hello
	 * periods); {@link #awaitReplicasInSync(Duration)} waits for that.
	 */
	public void failover() {
		RedisProcess sentinel = alive(this.sentinels).stream()
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No sentinel is running"));
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (true) {
			try {
				sentinel.call("SENTINEL", "FAILOVER", MASTER_NAME);
				return;
			}
			catch (IllegalStateException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				RedisProcess.sleep(100);
			}
		}
	}

	/**
	 * Kill the process of the current {@link #master()} with {@code SIGKILL}.
	 * @return the address of the killed master
	 */
	public HostAndPort killMaster() {
		HostAndPort master = master();
		dataNode(master).kill();
		return master;
	}

	/**
	 * Wait until every live sentinel names a master other than {@code old} and that node
	 * answers {@code ROLE} as a master.
	 * @param old the master before the failover
	 * @param timeout how long to wait
	 * @return the new master
	 * @throws IllegalStateException on timeout, with what the sentinels say
	 */
	public HostAndPort awaitNewMaster(HostAndPort old, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String last = "";
		while (true) {
			try {
				HostAndPort named = null;
				for (RedisProcess sentinel : alive(this.sentinels)) {
					HostAndPort seen = masterSeenBy(sentinel);
					if (seen.equals(old) || (named != null && !named.equals(seen))) {
						named = null;
						last = sentinel + " names " + seen;
						break;
					}
					named = seen;
				}
				if (named != null) {
					List<?> role = (List<?>) Objects.requireNonNull(RedisProcess.call(named.port(), "ROLE"));
					if ("master".equals(role.get(0))) {
						return named;
					}
					last = named + " answers ROLE " + role.get(0);
				}
			}
			catch (RuntimeException ex) {
				last = ex.toString();
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("No new master instead of " + old + " within " + timeout + ": " + last);
			}
			RedisProcess.sleep(50);
		}
	}

	/**
	 * Wait until every live data node other than the {@link #master()} is its replica
	 * with the replication link up, as after a failover the sentinels reconfigure them.
	 * @param timeout how long to wait
	 * @throws IllegalStateException on timeout
	 */
	public void awaitReplicasInSync(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String last = "";
		while (true) {
			try {
				HostAndPort master = master();
				last = "";
				for (RedisProcess node : alive(this.dataNodes)) {
					if (node.port() != master.port() && !replicaOf(node, master)) {
						last = node + " is not an in-sync replica of " + master;
						break;
					}
				}
				if (last.isEmpty()) {
					return;
				}
			}
			catch (RuntimeException ex) {
				last = ex.toString();
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Replicas not in sync within " + timeout + ": " + last);
			}
			RedisProcess.sleep(50);
		}
	}

	private static boolean replicaOf(RedisProcess node, HostAndPort master) {
		String info = String.valueOf(node.call("INFO", "replication"));
		return info.contains("role:slave") && info.contains("master_port:" + master.port())
				&& info.contains("master_link_status:up") && !info.contains("master_sync_in_progress:1");
	}

	/**
	 * Start a killed data node again on its port, empty, and make it a replica of the
	 * current master (as the sentinels would after a while), waiting until it is in sync.
	 * @param node the data node's address
	 */
	public void restart(HostAndPort node) {
		RedisProcess process = dataNode(node);
		process.relaunch(Duration.ofSeconds(20));
		HostAndPort master = master();
		if (master.port() != node.port()) {
			process.call("REPLICAOF", master.host(), String.valueOf(master.port()));
			process.call("CONFIG", "REWRITE");
			awaitInSync(process, System.nanoTime() + START_TIMEOUT.toNanos());
		}
	}

	private static void awaitInSync(RedisProcess replica, long deadline) {
		while (true) {
			String info = String.valueOf(replica.call("INFO", "replication"));
			if (info.contains("master_link_status:up") && !info.contains("master_sync_in_progress:1")) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(replica + " did not sync with its master; " + replica.logTail());
			}
			RedisProcess.sleep(50);
		}
	}

	/**
	 * Return the operating system ids of the running processes (data nodes and
	 * sentinels), for tests of the clean-up.
	 * @return the pids
	 */
	public List<Long> pids() {
		List<Long> pids = new ArrayList<>();
		alive(this.dataNodes).forEach((process) -> pids.add(process.pid()));
		alive(this.sentinels).forEach((process) -> pids.add(process.pid()));
		return pids;
	}

	/**
	 * Stop every process and delete their directories.
	 */
	@Override
	public void close() {
		this.sentinels.values().forEach(RedisProcess::kill);
		this.dataNodes.values().forEach(RedisProcess::kill);
		RedisProcess.delete(this.root);
	}

	private RedisProcess dataNode(HostAndPort node) {
		RedisProcess process = this.dataNodes.get(node.port());
		if (process == null) {
			throw new IllegalArgumentException(node + " is not a data node of this group");
		}
		return process;
	}

	private static List<RedisProcess> alive(Map<Integer, RedisProcess> processes) {
		return processes.values().stream().filter(RedisProcess::isAlive).toList();
	}

	private static Map<String, String> fields(@Nullable Object reply) {
		List<?> flat = (List<?>) Objects.requireNonNull(reply);
		Map<String, String> fields = new HashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			fields.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
		}
		return fields;
	}

	/**
	 * The address of a data node.
	 *
	 * @param host the host
	 * @param port the port
	 */
	public record HostAndPort(String host, int port) {

	}

}
