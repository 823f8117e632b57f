package io.github.statesync.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.github.statesync.test.redis.RedisServer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The sample's convenience, not the starter's: when nothing listens at the configured
 * local Redis address (the connection is refused), start a {@code redis-server} there
 * (from the PATH, else the binary a Maven Central artifact ships), so the sample runs on
 * a machine without Redis. Further instances find it running. It stops with the instance
 * that started it.
 * <p>
 * A server that answers anything on the port is taken for the Redis to use, whatever it
 * answers: {@code -NOAUTH} (a password-protected Redis), {@code -NOPERM} (an ACL user)
 * and any other reply all mean a Redis is there, and starting another on its port could
 * only fail. If its credentials are wrong or missing, connecting reports it as usual.
 *
 * @author statesync
 */
final class LocalRedisFallback implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(LocalRedisFallback.class);

	private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "::1");

	private static final int DEFAULT_PORT = 6379;

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		startIfNothingListens(event.getEnvironment());
	}

	/**
	 * Start a {@code redis-server} at the configured address if it is local, the fallback
	 * is on and nothing listens there.
	 * @param environment the application's environment
	 * @return the server started, or {@code null} if none was
	 */
	@Nullable RedisServer startIfNothingListens(Environment environment) {
		if (!environment.getProperty("sample.redis.fallback", Boolean.class, true)) {
			return null;
		}
		String url = environment.getProperty("spring.data.redis.url");
		URI uri = StringUtils.hasText(url) ? URI.create(url) : null;
		String host = (uri != null) ? uri.getHost() : environment.getProperty("spring.data.redis.host", "localhost");
		int port = (uri != null) ? ((uri.getPort() != -1) ? uri.getPort() : DEFAULT_PORT)
				: environment.getProperty("spring.data.redis.port", Integer.class, DEFAULT_PORT);
		if (host == null || !LOCAL_HOSTS.contains(host)) {
			return null;
		}
		boolean passwordConfigured = (uri != null && uri.getUserInfo() != null)
				|| StringUtils.hasText(environment.getProperty("spring.data.redis.password"));
		String reply;
		try {
			reply = ping(host, port);
		}
		catch (ConnectException ex) {
			RedisServer server = RedisServer.start(RedisServer.findExecutable(), port);
			logger.info("Nothing listened at {}:{}, so the sample started its own redis-server there (owned by this "
					+ "instance, nothing persisted)", host, server.port());
			return server;
		}
		catch (IOException ex) {
			logger.warn(
					"Something listens at {}:{} but does not answer PING like Redis ({}); the sample does not start "
							+ "its own Redis there: point spring.data.redis.host/port at a Redis",
					host, port, ex.toString());
			return null;
		}
		if (reply.startsWith("-NOAUTH") && !passwordConfigured) {
			logger.warn("The Redis at {}:{} requires authentication ({}): set spring.data.redis.password (and "
					+ "spring.data.redis.username for an ACL user), for example through the environment variables "
					+ "SPRING_DATA_REDIS_PASSWORD and SPRING_DATA_REDIS_USERNAME", host, port, reply.substring(1));
		}
		else if (reply.startsWith("-")) {
			logger.debug("The Redis at {}:{} answered PING with '{}'; the sample uses it", host, port, reply);
		}
		return null;
	}

	/**
	 * Send {@code PING} without credentials and return the first line of the reply.
	 * @throws ConnectException if nothing listens (the connection is refused)
	 * @throws IOException if something listens but does not answer like Redis
	 */
	private static String ping(String host, int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String line = readLine(socket.getInputStream());
			// a RESP reply starts with a type byte: simple string, error, integer, bulk,
			// array
			if (line.isEmpty() || "+-:$*".indexOf(line.charAt(0)) < 0) {
				throw new IOException("answered '" + line + "'");
			}
			return line;
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\r' && line.length() < 200) {
			line.append((char) c);
		}
		return line.toString();
	}

}
