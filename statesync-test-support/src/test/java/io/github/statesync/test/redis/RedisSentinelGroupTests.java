package io.github.statesync.test.redis;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.statesync.test.redis.RedisSentinelGroup.HostAndPort;

import static org.assertj.core.api.Assertions.assertThat;

class RedisSentinelGroupTests {

	@Test
	void failsOverOnSentinelFailoverAndTheOldMasterFollows() {
		try (RedisSentinelGroup group = startGroup()) {
			HostAndPort master = group.master();
			assertThat(group.replicas()).hasSize(1).doesNotContain(master);
			assertThat(group.masterName()).isEqualTo(RedisSentinelGroup.MASTER_NAME);
			assertThat(group.sentinelsProperty().split(",")).hasSize(3);
			RedisProcess.call(master.port(), "SET", "k", "before");
			long start = System.nanoTime();
			group.failover();
			HostAndPort promoted = group.awaitNewMaster(master, Duration.ofSeconds(30));
			System.out.printf("sentinel FAILOVER took %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());
			assertThat(promoted).isNotEqualTo(master);
			assertThat(group.master()).isEqualTo(promoted);
			start = System.nanoTime();
			group.awaitReplicasInSync(Duration.ofSeconds(30));
			System.out.printf("old master followed after %d ms%n",
					Duration.ofNanos(System.nanoTime() - start).toMillis());
			assertThat(RedisProcess.call(master.port(), "GET", "k")).isEqualTo("before");
			assertThat((List<?>) RedisProcess.call(master.port(), "ROLE")).first().isEqualTo("slave");
		}
	}

	@Test
	void failsOverWhenTheMasterIsKilledAndTheOldMasterRejoinsAsReplica() {
		try (RedisSentinelGroup group = startGroup()) {
			HostAndPort master = group.master();
			RedisProcess.call(master.port(), "SET", "k", "before");
			RedisProcess.call(master.port(), "WAIT", "1", "5000");
			group.killMaster();
			long start = System.nanoTime();
			HostAndPort promoted = group.awaitNewMaster(master, Duration.ofSeconds(30));
			System.out.printf("failover after a kill took %d ms%n",
					Duration.ofNanos(System.nanoTime() - start).toMillis());
			assertThat(RedisProcess.call(promoted.port(), "GET", "k")).isEqualTo("before");
			group.restart(master);
			assertThat(group.master()).isEqualTo(promoted);
			assertThat((List<?>) RedisProcess.call(master.port(), "ROLE")).first().isEqualTo("slave");
			assertThat(RedisProcess.call(master.port(), "GET", "k")).isEqualTo("before");
		}
	}

	@Test
	void closeLeavesNoProcess() {
		RedisSentinelGroup group = startGroup();
		List<Long> pids = group.pids();
		assertThat(pids).hasSize(5).allMatch(RedisSentinelGroupTests::alive);
		group.close();
		assertThat(pids).noneMatch(RedisSentinelGroupTests::alive);
	}

	private static boolean alive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	private static RedisSentinelGroup startGroup() {
		long start = System.nanoTime();
		RedisSentinelGroup group = RedisSentinelGroup.start();
		System.out.printf("RedisSentinelGroup.start() took %d ms%n",
				Duration.ofNanos(System.nanoTime() - start).toMillis());
		return group;
	}

}
