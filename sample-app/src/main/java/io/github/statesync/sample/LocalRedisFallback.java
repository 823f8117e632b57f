package io.github.statesync.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.github.statesync.test.redis.RedisServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The sample's convenience, not the starter's: when no Redis answers at the configured
 * local address, start a {@code redis-server} there (from the PATH, else the binary a
 * Maven Central artifact ships), so the sample runs on a machine without Redis. Further
 * instances find it running. It stops with the instance that started it.
 *
 * @author statesync
 */
final class LocalRedisFallback implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(LocalRedisFallback.class);

	private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "::1");

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		ConfigurableEnvironment environment = event.getEnvironment();
		if (!environment.getProperty("sample.redis.fallback", Boolean.class, true)) {
			return;
		}
		String host = environment.getProperty("spring.data.redis.host", "localhost");
		int port = environment.getProperty("spring.data.redis.port", Integer.class, 6379);
		if (!LOCAL_HOSTS.contains(host) || answersPing(host, port)) {
			return;
		}
		RedisServer server = RedisServer.start(RedisServer.findExecutable(), port);
		logger.info("No Redis answered at {}:{}, so the sample started its own redis-server there (pid-owned by this "
				+ "instance, nothing persisted)", host, server.port());
	}

	private static boolean answersPing(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(5);
			return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

}
