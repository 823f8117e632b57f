package io.github.statesync.test.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on a free loopback port that forwards every connection to a target (a
 * {@link RedisServer}), and can make the connections open now half-open:
 * {@link #blackhole()} stops forwarding them in both directions without closing either
 * socket, as a NAT, a firewall or a load balancer that forgot a flow does. Each side
 * still sees its socket connected and its writes accepted; nothing reaches the other
 * side, not even a close. Connections made afterwards are forwarded as usual, so a client
 * that notices and reconnects gets through. {@link #heal()} lets the held connections
 * flow again, delivering what was held.
 * <p>
 * Blocking I/O on two daemon threads per connection: a tool for tests, not for load.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class TcpProxy implements AutoCloseable {

	private static final AtomicInteger PROXIES = new AtomicInteger();

	private final InetSocketAddress target;

	private final ServerSocket serverSocket;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final String name;

	private volatile boolean closed;

	private TcpProxy(InetSocketAddress target) throws IOException {
		this.target = target;
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.name = "tcp-proxy-" + PROXIES.incrementAndGet();
		Thread acceptor = new Thread(this::accept, this.name + "-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Start a proxy to a target.
	 * @param host the target's host
	 * @param port the target's port
	 * @return the proxy, listening
	 * @throws UncheckedIOException if no port could be opened
	 */
	public static TcpProxy start(String host, int port) {
		try {
			return new TcpProxy(new InetSocketAddress(host, port));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open a port for the TCP proxy", ex);
		}
	}

	/**
	 * Start a proxy to a Redis server.
	 * @param server the server
	 * @return the proxy, listening
	 */
	public static TcpProxy to(RedisServer server) {
		return start(server.host(), server.port());
	}

	/**
	 * Return the host clients connect to.
	 * @return the loopback address
	 */
	public String host() {
		return this.serverSocket.getInetAddress().getHostAddress();
	}

	/**
	 * Return the port clients connect to.
	 * @return the port
	 */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * Return the number of connections open through the proxy (held ones included).
	 * @return the number of connections
	 */
	public int connections() {
		return this.links.size();
	}

	/**
	 * Stop forwarding every connection open now, in both directions, without closing
	 * either socket. New connections are forwarded.
	 * @return the number of connections held
	 */
	public int blackhole() {
		List<Link> current = List.copyOf(this.links);
		current.forEach(Link::hold);
		return current.size();
	}

	/**
	 * Forward the held connections again, first what was held; a side that closed
	 * meanwhile closes the other now.
	 */
	public void heal() {
		this.links.forEach(Link::release);
	}

	/**
	 * Stop listening and close every connection.
	 */
	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.serverSocket);
		this.links.forEach(Link::close);
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.serverSocket.accept();
			}
			catch (IOException ex) {
				return;
			}
			Socket upstream = new Socket();
			try {
				upstream.connect(this.target, 5_000);
			}
			catch (IOException ex) {
				closeQuietly(client);
				closeQuietly(upstream);
				continue;
			}
			Link link = new Link(client, upstream);
			this.links.add(link);
			if (this.closed) {
				link.close();
				return;
			}
			link.start();
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// closing anyway
		}
	}

	/**
	 * One proxied connection: the client's socket and the target's.
	 */
	private final class Link {

		private final Socket client;

		private final Socket upstream;

		private final Object monitor = new Object();

		// guarded by monitor
		private boolean held;

		// guarded by monitor
		private boolean closed;

		Link(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() {
			int id = this.client.getPort();
			pump(this.client, this.upstream, TcpProxy.this.name + "-" + id + "-up");
			pump(this.upstream, this.client, TcpProxy.this.name + "-" + id + "-down");
		}

		private void pump(Socket from, Socket to, String threadName) {
			Thread thread = new Thread(() -> forward(from, to), threadName);
			thread.setDaemon(true);
			thread.start();
		}

		private void forward(Socket from, Socket to) {
			byte[] buffer = new byte[8192];
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				while (true) {
					int read = in.read(buffer);
					// what was read while held (a close included) waits for heal()
					if (!awaitForwarding() || read < 0) {
						break;
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// one side is gone: so is the other
			}
			close();
		}

		/**
		 * Wait while the link is held.
		 * @return whether to go on forwarding
		 */
		private boolean awaitForwarding() {
			synchronized (this.monitor) {
				while (this.held && !this.closed) {
					try {
						this.monitor.wait();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return false;
					}
				}
				return !this.closed;
			}
		}

		void hold() {
			synchronized (this.monitor) {
				this.held = true;
			}
		}

		void release() {
			synchronized (this.monitor) {
				this.held = false;
				this.monitor.notifyAll();
			}
		}

		void close() {
			synchronized (this.monitor) {
				this.closed = true;
				this.monitor.notifyAll();
			}
			closeQuietly(this.client);
			closeQuietly(this.upstream);
			TcpProxy.this.links.remove(this);
		}

	}

}
