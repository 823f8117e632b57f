package io.github.statesync.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import io.github.statesync.test.redis.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's Redis fallback starts a {@code redis-server} only where nothing listens,
 * against real {@code redis-server} processes.
 */
@ExtendWith(OutputCaptureExtension.class)
class LocalRedisFallbackTests {

	@Test
	void usesAPasswordProtectedRedisInsteadOfStartingAnotherOnItsPort(CapturedOutput output) {
		try (RedisServer redis = RedisServer.start()) {
			// the same as starting it with --requirepass: from now on PING answers
			// -NOAUTH
			redis.command("CONFIG", "SET", "requirepass", "sample-test-password");

			RedisServer started = new LocalRedisFallback().startIfNothingListens(environment(redis.port()));

			assertThat(started).isNull();
			assertThat(output).contains("The Redis at localhost:" + redis.port() + " requires authentication")
				.contains("NOAUTH")
				.contains("set spring.data.redis.password");
		}
	}

	@Test
	void usesAPasswordProtectedRedisSilentlyWhenAPasswordIsConfigured(CapturedOutput output) {
		try (RedisServer redis = RedisServer.start()) {
			redis.command("CONFIG", "SET", "requirepass", "sample-test-password");

			RedisServer started = new LocalRedisFallback().startIfNothingListens(
					environment(redis.port()).withProperty("spring.data.redis.password", "sample-test-password"));

			assertThat(started).isNull();
			assertThat(output).doesNotContain("requires authentication");
		}
	}

	@Test
	void usesARedisWhoseDefaultUserMayNotEvenPing() {
		try (RedisServer redis = RedisServer.start()) {
			// an ACL-managed Redis: PING answers -NOPERM
			redis.command("ACL", "SETUSER", "default", "-ping");

			assertThat(new LocalRedisFallback().startIfNothingListens(environment(redis.port()))).isNull();
		}
	}

	@Test
	void startsARedisWhereNothingListens() throws IOException {
		int port = freePort();

		RedisServer started = new LocalRedisFallback().startIfNothingListens(environment(port));

		assertThat(started).isNotNull();
		try (started) {
			assertThat(started.port()).isEqualTo(port);
			assertThat(started.command("PING")).isEqualTo("PONG");
		}
	}

	@Test
	void startsNothingWhereSomethingThatIsNotRedisListens(CapturedOutput output) throws IOException {
		try (ServerSocket silent = new ServerSocket()) {
			silent.bind(new InetSocketAddress("127.0.0.1", 0));

			RedisServer started = new LocalRedisFallback().startIfNothingListens(environment(silent.getLocalPort()));

			assertThat(started).isNull();
			assertThat(output).contains("does not answer PING like Redis");
		}
	}

	@Test
	void startsNothingWhenTheFallbackIsOff() throws IOException {
		MockEnvironment environment = environment(freePort()).withProperty("sample.redis.fallback", "false");

		assertThat(new LocalRedisFallback().startIfNothingListens(environment)).isNull();
	}

	private static MockEnvironment environment(int port) {
		return new MockEnvironment().withProperty("spring.data.redis.host", "localhost")
			.withProperty("spring.data.redis.port", String.valueOf(port));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
	}

}
