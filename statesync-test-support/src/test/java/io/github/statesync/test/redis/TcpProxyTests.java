package io.github.statesync.test.redis;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class TcpProxyTests {

	/** How long "nothing arrives" is watched for: no outcome waits on it. */
	private static final int SILENCE_MILLIS = 300;

	private static RedisServer server;

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
	}

	@AfterAll
	static void stopRedis() {
		server.close();
	}

	@Test
	void forwardsBothWays() throws IOException {
		try (TcpProxy proxy = TcpProxy.to(server); Socket socket = connect(proxy)) {
			assertThat(ping(socket)).isEqualTo("+PONG");
		}
	}

	@Test
	void blackholedConnectionStaysOpenButCarriesNothingUntilHealed() throws IOException {
		try (TcpProxy proxy = TcpProxy.to(server); Socket socket = connect(proxy)) {
			assertThat(ping(socket)).isEqualTo("+PONG");
			await().until(() -> proxy.connections() == 1);
			assertThat(proxy.blackhole()).isOne();

			send(socket, "PING");
			socket.setSoTimeout(SILENCE_MILLIS);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			assertThat(socket.isClosed()).isFalse();
			assertThat(proxy.connections()).isOne();

			proxy.heal();
			socket.setSoTimeout(5_000);
			assertThat(readLine(socket.getInputStream())).isEqualTo("+PONG");
		}
	}

	@Test
	void blackholeKeepsTheClientsOfTheServerSideConnected() throws IOException {
		try (TcpProxy proxy = TcpProxy.to(server); Socket socket = connect(proxy)) {
			send(socket, "CLIENT SETNAME held");
			assertThat(readLine(socket.getInputStream())).isEqualTo("+OK");
			proxy.blackhole();
			socket.close();
			// the close is held too: Redis still counts the client
			await().during(Duration.ofMillis(SILENCE_MILLIS))
				.atMost(Duration.ofSeconds(5))
				.until(() -> server.command("CLIENT", "LIST").contains("name=held"));
			proxy.heal();
			await().atMost(Duration.ofSeconds(5)).until(() -> !server.command("CLIENT", "LIST").contains("name=held"));
		}
	}

	@Test
	void connectionsMadeAfterABlackholeAreForwarded() throws IOException {
		try (TcpProxy proxy = TcpProxy.to(server); Socket held = connect(proxy)) {
			assertThat(ping(held)).isEqualTo("+PONG");
			proxy.blackhole();
			try (Socket fresh = connect(proxy)) {
				assertThat(ping(fresh)).isEqualTo("+PONG");
			}
		}
	}

	@Test
	void closeClosesEveryConnection() throws IOException {
		TcpProxy proxy = TcpProxy.to(server);
		try (Socket socket = connect(proxy)) {
			assertThat(ping(socket)).isEqualTo("+PONG");
			proxy.blackhole();
			proxy.close();
			socket.setSoTimeout(5_000);
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
	}

	private static Socket connect(TcpProxy proxy) throws IOException {
		Socket socket = new Socket(proxy.host(), proxy.port());
		socket.setSoTimeout(5_000);
		return socket;
	}

	private static String ping(Socket socket) throws IOException {
		send(socket, "PING");
		return readLine(socket.getInputStream());
	}

	private static void send(Socket socket, String inline) throws IOException {
		socket.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

}
