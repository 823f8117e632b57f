package io.github.statesync.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RedisTopicKeysTests {

	@Test
	void keysAndChannelOfATopicShareItsHashTag() {
		RedisTopicKeys keys = RedisTopicKeys.DEFAULT;
		assertThat(keys.revisionKey("pricing:eu")).isEqualTo("statesync:{pricing:eu}:revision");
		assertThat(keys.snapshotKey("pricing:eu")).isEqualTo("statesync:{pricing:eu}:snapshot");
		assertThat(keys.channel("pricing:eu")).isEqualTo("statesync:{pricing:eu}:events");
	}

	@Test
	void rejectsPrefixThatWouldBreakTheHashTag() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisTopicKeys("app{x}:"))
			.withMessageContaining("must not be null or contain '{' or '}'");
	}

}
