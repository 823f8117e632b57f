package io.github.statesync.test.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * A local Redis Cluster of real {@code redis-server} processes on free loopback ports,
 * for tests that kill masters, restart nodes and move slots. Each node runs in its own
 * temporary directory with its own {@code nodes.conf}, persists nothing, and uses a short
 * {@code cluster-node-timeout} ({@value #NODE_TIMEOUT_MILLIS} ms) so a failover takes a
 * few seconds. Replica migration is off, so a replica stays with its master.
 * <p>
 * The cluster is built with {@code CLUSTER SET-CONFIG-EPOCH}, {@code ADDSLOTSRANGE},
 * {@code MEET} and {@code REPLICATE} rather than {@code redis-cli --cluster create}: the
 * assignment is deterministic (master {@code i} owns the {@code i}-th even range of
 * slots, its replicas are the next nodes), it needs no {@code redis-cli}, and it waits
 * for what tests need (every node agreeing on every slot and role, replicas in sync)
 * rather than sleeping. Every view ({@link #nodes()}, {@link #masterOf(int)}) is read
 * again from the live nodes, never a snapshot taken at start.
 * <p>
 * Every process is stopped by {@link #close()} and, should a test run die first, by a JVM
 * shutdown hook.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class RedisCluster implements AutoCloseable {

	/**
	 * Number of hash slots of a Redis Cluster.
	 */
	public static final int SLOTS = 16384;

	static final int NODE_TIMEOUT_MILLIS = 1500;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private final Path executable;

	private final Path root;

	private final Map<Integer, RedisProcess> processes = new LinkedHashMap<>();

	private final Map<String, List<Integer>> slotsOfKilledMasters = new HashMap<>();

	private RedisCluster(Path executable, Path root) {
		this.executable = executable;
		this.root = root;
	}

	/**
	 * Start 3 masters with one replica each and wait until the cluster is stable.
	 * @return the running cluster
	 * @throws IllegalStateException if it cannot start, naming the node and its log
	 */
	public static RedisCluster start() {
		return start(3, 1);
	}

	/**
	 * Start a cluster with the given shape and wait until {@code cluster_state:ok} on
	 * every node, every node agrees on slot owners and roles, and every replica is in
	 * sync with its master.
	 * @param masters the number of masters (at least 1), sharing the slots evenly
	 * @param replicasPerMaster the number of replicas of each master
	 * @return the running cluster
	 * @throws IllegalStateException if it cannot start, naming the node and its log
	 */
	public static RedisCluster start(int masters, int replicasPerMaster) {
		if (masters < 1 || replicasPerMaster < 0) {
			throw new IllegalArgumentException("Need at least one master and no negative replica count");
		}
		RedisCluster cluster;
		try {
			cluster = new RedisCluster(RedisServer.findExecutable(), Files.createTempDirectory("statesync-cluster-"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			cluster.create(masters, replicasPerMaster);
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	private void create(int masterCount, int replicasPerMaster) {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		int total = masterCount * (1 + replicasPerMaster);
		List<RedisProcess> started = launchAll(total);
		List<String> ids = new ArrayList<>();
		for (RedisProcess process : started) {
			ids.add((String) Objects.requireNonNull(process.call("CLUSTER", "MYID")));
		}
		for (int i = 0; i < masterCount; i++) {
			RedisProcess master = started.get(i);
			// distinct epochs up front: no collision to resolve once they meet
			master.call("CLUSTER", "SET-CONFIG-EPOCH", String.valueOf(i + 1));
			int first = i * SLOTS / masterCount;
			int last = (i + 1) * SLOTS / masterCount - 1;
			master.call("CLUSTER", "ADDSLOTSRANGE", String.valueOf(first), String.valueOf(last));
		}
		meet(started, ids, deadline);
		for (int i = masterCount; i < total; i++) {
			String masterId = ids.get((i - masterCount) % masterCount);
			replicate(started.get(i), masterId, deadline);
		}
		awaitStable(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
	}

	private List<RedisProcess> launchAll(int count) {
		List<RedisProcess> launched = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			RedisProcess process = newNode(i);
			process.launch();
			launched.add(process);
		}
		for (int i = 0; i < count; i++) {
			RedisProcess process = launched.get(i);
			for (int attempt = 1;; attempt++) {
				try {
					process.awaitReady(Duration.ofSeconds(20));
					break;
				}
				catch (IllegalStateException ex) {
					// the port may have been taken between probe and bind: new ports
					process.kill();
					this.processes.remove(process.port());
					if (attempt == 3) {
						throw ex;
					}
					RedisProcess.delete(process.directory());
					process = newNode(i);
					process.launch();
					launched.set(i, process);
				}
			}
		}
		return launched;
	}

	private RedisProcess newNode(int index) {
		int port = RedisProcess.freePort();
		int busPort = RedisProcess.freePort();
		while (busPort == port) {
			busPort = RedisProcess.freePort();
		}
		Path directory = this.root.resolve("node-" + index + "-" + port);
		try {
			Files.createDirectories(directory);
			String config = String.join("\n", "port " + port, "cluster-port " + busPort, "bind " + RedisProcess.HOST,
					"protected-mode no", "daemonize no", "dir " + directory, "logfile \"\"", "loglevel notice",
					"save \"\"", "appendonly no", "cluster-enabled yes", "cluster-config-file nodes.conf",
					"cluster-node-timeout " + NODE_TIMEOUT_MILLIS, "cluster-require-full-coverage yes",
					"cluster-allow-replica-migration no",
					// a replica may always take over, however long ago it last heard its
					// master: a loaded test machine must not block failovers
					"cluster-replica-validity-factor 0", "repl-diskless-sync yes", "repl-diskless-sync-delay 0", "");
			Files.writeString(directory.resolve("redis.conf"), config, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		RedisProcess process = new RedisProcess("cluster node " + RedisProcess.HOST + ":" + port, this.executable,
				directory, port, List.of(directory.resolve("redis.conf").toString()));
		this.processes.put(port, process);
		return process;
	}

	private void meet(List<RedisProcess> nodes, List<String> ids, long deadline) {
		RedisProcess first = nodes.get(0);
		long nextMeet = 0;
		while (true) {
			List<RedisProcess> missing = new ArrayList<>();
			for (RedisProcess node : nodes) {
				Map<String, String[]> view = rawView(node);
				boolean complete = ids.stream().allMatch((id) -> {
					String[] fields = view.get(id);
					return fields != null && !fields[2].contains("handshake") && !fields[2].contains("noaddr")
							&& ("connected".equals(fields[7]) || fields[2].contains("myself"));
				});
				if (!complete) {
					missing.add(node);
				}
			}
			if (missing.isEmpty()) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"Cluster nodes did not all meet: " + missing + "; " + missing.get(0).logTail());
			}
			if (System.nanoTime() > nextMeet) {
				// MEET is idempotent: repeat it for whoever is not yet in a full mesh
				for (RedisProcess node : nodes) {
					if (node != first) {
						first.call("CLUSTER", "MEET", RedisProcess.HOST, String.valueOf(node.port()),
								String.valueOf(busPort(node)));
					}
				}
				nextMeet = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			}
			RedisProcess.sleep(50);
		}
	}

	private int busPort(RedisProcess node) {
		try {
			for (String line : Files.readAllLines(node.directory().resolve("redis.conf"))) {
				if (line.startsWith("cluster-port ")) {
					return Integer.parseInt(line.substring("cluster-port ".length()).trim());
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		throw new IllegalStateException("No cluster-port in the configuration of " + node);
	}

	private void replicate(RedisProcess replica, String masterId, long deadline) {
		while (true) {
			try {
				replica.call("CLUSTER", "REPLICATE", masterId);
				return;
			}
			catch (IllegalStateException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(replica + " could not replicate " + masterId + ": "
							+ ex.getMessage() + "; " + replica.logTail(), ex);
				}
				RedisProcess.sleep(50);
			}
		}
	}

	/**
	 * Return the nodes of the cluster as a live node sees them now
	 * ({@code CLUSTER NODES}), leaving out nodes flagged as failed: masters first, by
	 * their lowest slot, then replicas by port.
	 * @return the nodes
	 * @throws IllegalStateException if no node is alive
	 */
	public List<Node> nodes() {
		RedisProcess observer = aliveProcesses().stream()
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No cluster node is running"));
		View view = view(observer);
		return view.nodes.values()
			.stream()
			.filter((node) -> !view.failed.contains(node.id()))
			.sorted(view.order())
			.toList();
	}

	/**
	 * Return the masters of {@link #nodes()}.
	 * @return the masters, by their lowest slot
	 */
	public List<Node> masters() {
		return nodes().stream().filter(Node::master).toList();
	}

	/**
	 * Return the addresses of every node started, for
	 * {@code spring.data.redis.cluster.nodes}.
	 * @return {@code "127.0.0.1:p1,127.0.0.1:p2,..."}
	 */
	public String nodesProperty() {
		return this.processes.keySet()
			.stream()
			.map((port) -> RedisProcess.HOST + ":" + port)
			.collect(Collectors.joining(","));
	}

	/**
	 * Return the hash slot of a key: CRC16 (XMODEM) of the key, or of its hash tag (the
	 * text between the first <code>{</code> and the next <code>}</code> when not empty),
	 * modulo 16384.
	 * @param key the key or channel
	 * @return the slot
	 */
	public static int slot(String key) {
		byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
		int start = 0;
		int end = bytes.length;
		for (int open = 0; open < bytes.length; open++) {
			if (bytes[open] == '{') {
				for (int close = open + 1; close < bytes.length; close++) {
					if (bytes[close] == '}') {
						if (close > open + 1) {
							start = open + 1;
							end = close;
						}
						break;
					}
				}
				break;
			}
		}
		int crc = 0;
		for (int i = start; i < end; i++) {
			crc ^= (bytes[i] & 0xff) << 8;
			for (int bit = 0; bit < 8; bit++) {
				crc = ((crc & 0x8000) != 0) ? ((crc << 1) ^ 0x1021) : (crc << 1);
				crc &= 0xffff;
			}
		}
		return crc % SLOTS;
	}

	/**
	 * Return the master that owns a slot, as a live node sees it now.
	 * @param slot the slot
	 * @return the owner
	 * @throws IllegalStateException if the slot has no owner
	 */
	public Node masterOf(int slot) {
		RedisProcess observer = aliveProcesses().stream()
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No cluster node is running"));
		View view = view(observer);
		String owner = view.owners[slot];
		if (owner == null) {
			throw new IllegalStateException("No node owns slot " + slot);
		}
		return Objects.requireNonNull(view.nodes.get(owner));
	}

	/**
	 * Stop a node's process with {@code SIGKILL}: no save, no goodbye to its peers.
	 * @param node the node
	 */
	public void kill(Node node) {
		RedisProcess process = process(node);
		if (process.isAlive()) {
			View view = view(process);
			List<Integer> slots = new ArrayList<>();
			for (int slot = 0; slot < SLOTS; slot++) {
				if (node.id().equals(view.owners[slot])) {
					slots.add(slot);
				}
			}
			if (!slots.isEmpty()) {
				this.slotsOfKilledMasters.put(node.id(), slots);
			}
		}
		process.kill();
	}

	/**
	 * Start a killed node again on the same port with the same {@code nodes.conf} (and no
	 * data), and wait until it is back in a stable cluster ({@link #awaitStable}): a
	 * master that was replaced rejoins as a replica of its successor and syncs from it; a
	 * master restarted before its replica took over comes back as the master, empty.
	 * @param node the node
	 */
	public void restart(Node node) {
		RedisProcess process = process(node);
		process.relaunch(Duration.ofSeconds(20));
		awaitStable(START_TIMEOUT);
	}

	/**
	 * Wait until the slots of a dead master are owned by another live master (its
	 * promoted replica) in the view of every live node, and {@code cluster_state:ok} on
	 * all of them.
	 * @param deadMaster the master that was killed
	 * @param timeout how long to wait
	 * @return the new master of those slots
	 * @throws IllegalStateException on timeout, with what each node sees
	 */
	public Node awaitFailover(Node deadMaster, Duration timeout) {
		List<Integer> slots = this.slotsOfKilledMasters.get(deadMaster.id());
		if (slots == null || slots.isEmpty()) {
			throw new IllegalArgumentException(deadMaster + " was not killed as a master owning slots");
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		String last = "";
		while (true) {
			try {
				String successor = null;
				boolean done = true;
				for (RedisProcess process : aliveProcesses()) {
					View view = view(process);
					String owner = view.owners[slots.get(0)];
					boolean ok = owner != null && !owner.equals(deadMaster.id()) && "ok".equals(view.state)
							&& slots.stream().allMatch((slot) -> owner.equals(view.owners[slot]))
							&& (successor == null || successor.equals(owner));
					if (!ok) {
						done = false;
						last = process + " sees owner " + owner + ", cluster_state " + view.state;
						break;
					}
					successor = owner;
				}
				if (done && successor != null) {
					Node node = Objects.requireNonNull(view(process(aliveNode(successor))).nodes.get(successor));
					return node;
				}
			}
			catch (RuntimeException ex) {
				last = ex.toString();
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("No failover of " + deadMaster + " within " + timeout + ": " + last);
			}
			RedisProcess.sleep(50);
		}
	}

	/**
	 * Move a slot and its keys to another master while the cluster serves: {@code SETSLOT
	 * IMPORTING} on the target, {@code MIGRATING} on the source, {@code MIGRATE} of the
	 * keys in batches of 100, then {@code SETSLOT NODE} on the target, the source and
	 * every other master; waits until every live node agrees on the new owner.
	 * @param slot the slot
	 * @param target the master to own it
	 */
	public void migrateSlot(int slot, Node target) {
		Node source = masterOf(slot);
		if (source.id().equals(target.id())) {
			return;
		}
		RedisProcess from = process(source);
		RedisProcess to = process(target);
		String slotText = String.valueOf(slot);
		to.call("CLUSTER", "SETSLOT", slotText, "IMPORTING", source.id());
		from.call("CLUSTER", "SETSLOT", slotText, "MIGRATING", target.id());
		while (true) {
			List<?> keys = (List<?>) Objects.requireNonNull(from.call("CLUSTER", "GETKEYSINSLOT", slotText, "100"));
			if (keys.isEmpty()) {
				break;
			}
			List<String> command = new ArrayList<>(List.of("MIGRATE", target.host(), String.valueOf(target.port()), "",
					"0", "10000", "REPLACE", "KEYS"));
			keys.forEach((key) -> command.add((String) key));
			RedisProcess.call(from.port(), Duration.ofSeconds(15), command.toArray(String[]::new));
		}
		to.call("CLUSTER", "SETSLOT", slotText, "NODE", target.id());
		from.call("CLUSTER", "SETSLOT", slotText, "NODE", target.id());
		for (Node master : masters()) {
			if (!master.id().equals(source.id()) && !master.id().equals(target.id())) {
				process(master).call("CLUSTER", "SETSLOT", slotText, "NODE", target.id());
			}
		}
		awaitStable(START_TIMEOUT);
	}

	/**
	 * Wait until every live node reports {@code cluster_state:ok}, all of them see the
	 * same owner for every slot and the same role for every live node (none flagged as
	 * failing), and every live replica is in sync with its master.
	 * @param timeout how long to wait
	 * @throws IllegalStateException on timeout, with what disagrees
	 */
	public void awaitStable(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String last = "";
		while (true) {
			try {
				String problem = instability();
				if (problem == null) {
					return;
				}
				last = problem;
			}
			catch (RuntimeException ex) {
				last = ex.toString();
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Cluster not stable within " + timeout + ": " + last);
			}
			RedisProcess.sleep(50);
		}
	}

	private @Nullable String instability() {
		List<RedisProcess> alive = aliveProcesses();
		Map<RedisProcess, View> views = new LinkedHashMap<>();
		Map<String, String> selves = new HashMap<>();
		for (RedisProcess process : alive) {
			View view = view(process);
			if (!"ok".equals(view.state)) {
				return process + " has cluster_state " + view.state;
			}
			views.put(process, view);
			selves.put(view.self.id(), role(view.self));
		}
		View reference = views.values().iterator().next();
		for (int slot = 0; slot < SLOTS; slot++) {
			if (reference.owners[slot] == null) {
				return "slot " + slot + " has no owner";
			}
		}
		for (Map.Entry<RedisProcess, View> entry : views.entrySet()) {
			View view = entry.getValue();
			if (!Arrays.equals(view.owners, reference.owners)) {
				return entry.getKey() + " disagrees on slot owners";
			}
			for (Map.Entry<String, String> self : selves.entrySet()) {
				Node seen = view.nodes.get(self.getKey());
				if (seen == null || view.failed.contains(seen.id()) || !role(seen).equals(self.getValue())) {
					return entry.getKey() + " sees " + self.getKey() + " as "
							+ ((seen != null) ? role(seen) : "unknown")
							+ ((seen != null && view.failed.contains(seen.id())) ? " (failing)" : "") + ", not "
							+ self.getValue();
				}
			}
			if (!view.self.master()) {
				String replication = (String) entry.getKey().call("INFO", "replication");
				if (replication == null || !replication.contains("master_link_status:up")
						|| replication.contains("master_sync_in_progress:1")) {
					return entry.getKey() + " is not in sync with its master";
				}
			}
		}
		return null;
	}

	private static String role(Node node) {
		return node.master() ? "master" : "replica of " + node.masterId();
	}

	/**
	 * Return the numeric fields of {@code CLUSTER INFO} on a node, such as
	 * {@code cluster_stats_messages_publish_sent} (classic {@code PUBLISH} messages this
	 * node sent over the cluster bus) or {@code cluster_stats_messages_publishshard_sent}
	 * (sharded ones). As the tests of this class pin them on Redis 7.0: one
	 * {@code PUBLISH} on a node adds the number of other nodes to its
	 * {@code publish_sent} and one to {@code publish_received} on every other node,
	 * replicas included; one {@code SPUBLISH} on a master (directly or from a script)
	 * adds its replica count to its {@code publishshard_sent} and one to
	 * {@code publishshard_received} on each of its replicas, and nothing anywhere else.
	 * Both go out whether anyone subscribes or not. Sent counters move before the command
	 * returns, received counters when the peer reads the bus, a moment later. A counter
	 * that never moved is absent from {@code CLUSTER INFO}: read it with
	 * {@code getOrDefault(name, 0L)}.
	 * @param node the node
	 * @return the fields by name
	 */
	public Map<String, Long> clusterInfo(Node node) {
		String info = Objects.requireNonNull((String) process(node).call("CLUSTER", "INFO"));
		Map<String, Long> fields = new TreeMap<>();
		for (String line : info.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0) {
				try {
					fields.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1).trim()));
				}
				catch (NumberFormatException ex) {
					// cluster_state and other text fields
				}
			}
		}
		return fields;
	}

	/**
	 * Run one command on a node over a fresh connection (no redirection is followed).
	 * @param node the node
	 * @param args the command and its arguments
	 * @return the reply as text: a simple or bulk string, an integer as digits, an array
	 * as its elements joined by new lines, {@code null} for a nil
	 * @throws IllegalStateException if Redis answers an error (such as {@code MOVED})
	 */
	public @Nullable String command(Node node, String... args) {
		String[] encoded = new String[args.length];
		for (int i = 0; i < args.length; i++) {
			encoded[i] = RedisProcess.bytes(args[i]);
		}
		return RedisProcess.text(process(node).call(encoded));
	}

	/**
	 * Return the operating system ids of the running node processes, for tests of the
	 * clean-up.
	 * @return the pids
	 */
	public List<Long> pids() {
		return aliveProcesses().stream().map(RedisProcess::pid).toList();
	}

	/**
	 * Stop every node and delete their directories.
	 */
	@Override
	public void close() {
		this.processes.values().forEach(RedisProcess::kill);
		RedisProcess.delete(this.root);
	}

	private List<RedisProcess> aliveProcesses() {
		return this.processes.values().stream().filter(RedisProcess::isAlive).toList();
	}

	private RedisProcess process(Node node) {
		RedisProcess process = this.processes.get(node.port());
		if (process == null) {
			throw new IllegalArgumentException(node + " is not a node of this cluster");
		}
		return process;
	}

	private Node aliveNode(String id) {
		for (RedisProcess process : aliveProcesses()) {
			View view = view(process);
			if (view.self.id().equals(id)) {
				return view.self;
			}
		}
		throw new IllegalStateException("No live node has id " + id);
	}

	private static Map<String, String[]> rawView(RedisProcess process) {
		String nodes = Objects.requireNonNull((String) process.call("CLUSTER", "NODES"));
		Map<String, String[]> lines = new LinkedHashMap<>();
		for (String line : nodes.split("\n")) {
			String[] fields = line.trim().split(" ");
			if (fields.length >= 8) {
				lines.put(fields[0], fields);
			}
		}
		return lines;
	}

	private static View view(RedisProcess process) {
		String info = Objects.requireNonNull((String) process.call("CLUSTER", "INFO"));
		String state = info.lines()
			.filter((line) -> line.startsWith("cluster_state:"))
			.map((line) -> line.substring("cluster_state:".length()).trim())
			.findFirst()
			.orElse("unknown");
		Map<String, Node> nodes = new LinkedHashMap<>();
		List<String> failed = new ArrayList<>();
		String[] owners = new String[SLOTS];
		Node self = null;
		for (String[] fields : rawView(process).values()) {
			String flags = fields[2];
			if (flags.contains("handshake") || flags.contains("noaddr")) {
				continue;
			}
			String address = fields[1].split("[@,]")[0];
			int colon = address.lastIndexOf(':');
			Node node = new Node(fields[0], address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)),
					flags.contains("master"), "-".equals(fields[3]) ? null : fields[3]);
			nodes.put(node.id(), node);
			if (flags.contains("fail")) {
				failed.add(node.id());
			}
			if (flags.contains("myself")) {
				self = node;
			}
			for (int i = 8; i < fields.length; i++) {
				String range = fields[i];
				if (range.startsWith("[")) {
					continue;
				}
				int dash = range.indexOf('-');
				int first = Integer.parseInt((dash < 0) ? range : range.substring(0, dash));
				int last = (dash < 0) ? first : Integer.parseInt(range.substring(dash + 1));
				Arrays.fill(owners, first, last + 1, node.id());
			}
		}
		if (self == null) {
			throw new IllegalStateException(process + " does not list itself in CLUSTER NODES");
		}
		return new View(state, self, nodes, failed, owners);
	}

	private record View(String state, Node self, Map<String, Node> nodes, List<String> failed, String[] owners) {

		Comparator<Node> order() {
			Map<String, Integer> lowest = new HashMap<>();
			for (int slot = SLOTS - 1; slot >= 0; slot--) {
				if (this.owners[slot] != null) {
					lowest.put(this.owners[slot], slot);
				}
			}
			return Comparator.comparing((Node node) -> !node.master())
				.thenComparing((node) -> lowest.getOrDefault(node.id(), SLOTS))
				.thenComparing(Node::port);
		}

	}

	/**
	 * A cluster node as a live node sees it.
	 *
	 * @param id the node id
	 * @param host the host it announces
	 * @param port its client port
	 * @param master whether it is a master
	 * @param masterId the id of its master when a replica
	 */
	public record Node(String id, String host, int port, boolean master, @Nullable String masterId) {

		/**
		 * Return {@code host:port}.
		 * @return the address
		 */
		public String address() {
			return this.host + ":" + this.port;
		}

	}

}
