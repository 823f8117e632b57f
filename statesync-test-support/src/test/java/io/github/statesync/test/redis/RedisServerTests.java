package io.github.statesync.test.redis;

import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RedisServerTests {

	@Test
	void startsOnFreePortAndAnswersCommands() {
		try (RedisServer server = RedisServer.start()) {
			assertThat(server.command("SET", "k", "v")).isEqualTo("OK");
			assertThat(server.command("GET", "k")).isEqualTo("v");
			assertThat(server.command("GET", "missing")).isNull();
		}
	}

	@Test
	void restartKeepsPortAndLosesData() {
		try (RedisServer server = RedisServer.start()) {
			int port = server.port();
			server.command("SET", "k", "v");
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			assertThat(server.command("GET", "k")).isNull();
		}
	}

	@Test
	void closeKillsTheProcess() {
		RedisServer server = RedisServer.start();
		server.close();
		assertThat(server.isRunning()).isFalse();
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(server.host(), server.port()), 500);
			}
		});
	}

	@Test
	void pausedServerDoesNotAnswerUntilResumed() {
		try (RedisServer server = RedisServer.start()) {
			server.pause();
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> server.command("PING"));
			server.resume();
			assertThat(server.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void shippedBinaryIsAFallbackWherePathHasNone() {
		try (RedisServer server = RedisServer.start(RedisServer.shippedExecutable())) {
			assertThat(server.command("PING")).isEqualTo("PONG");
			assertThat(server.command("INFO", "server")).contains("redis_version:6.2");
		}
	}

}
