package io.github.statesync.boot.autoconfigure.redis;

import io.github.statesync.boot.autoconfigure.InvalidStateSyncConfigurationException;
import io.github.statesync.boot.autoconfigure.StateSyncAutoConfiguration;
import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.transport.RedisStateSyncTransport;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.redis.RedisSnapshotStore;
import io.github.statesync.redis.RedisTopicKeys;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.unit.DataSize;

/**
 * Auto-configuration of the Redis transport: invalidations over pub/sub on one
 * connection, snapshots in Redis. Active when statesync-redis and Spring Data Redis are
 * on the classpath, a {@link RedisConnectionFactory} exists and
 * {@code statesync.transport} is {@code redis} or unset.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(before = StateSyncAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass({ RedisSnapshotStore.class, RedisConnectionFactory.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "statesync.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "statesync.transport", havingValue = "redis", matchIfMissing = true)
@EnableConfigurationProperties(StateSyncProperties.class)
public final class StateSyncRedisAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(StateSyncTransport.class)
	RedisStateSyncTransport redisStateSyncTransport(RedisConnectionFactory connectionFactory,
			StateSyncProperties properties, ObjectProvider<JsonMapper> jsonMapper, Environment environment) {
		StateSyncProperties.Redis redis = properties.getRedis();
		RedisTopicKeys keys;
		try {
			keys = new RedisTopicKeys(redis.getKeyPrefix());
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidStateSyncConfigurationException("statesync.redis.key-prefix", redis.getKeyPrefix(),
					"must not contain '{' or '}': statesync puts each topic in its own Redis Cluster hash tag");
		}
		int maxPayload = bytes(properties.getDefaults().getMaxPayloadSize(),
				JacksonSyncCodec.DEFAULT_MAX_PAYLOAD_BYTES);
		int inlineMax = bytes(properties.getDefaults().getInlineMaxSize(), 0);
		return new RedisStateSyncTransport(connectionFactory,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), keys,
				properties.determineNodeId(environment), maxPayload, inlineMax,
				JacksonSyncCodec.DEFAULT_MAX_NESTING_DEPTH, redis.getPublishTimeout());
	}

	private static int bytes(@Nullable DataSize size, int otherwise) {
		return (size != null) ? (int) size.toBytes() : otherwise;
	}

}
