package io.github.statesync.boot.autoconfigure.redis;

import java.time.Duration;
import java.util.function.Consumer;

import io.github.statesync.boot.autoconfigure.InvalidStateSyncConfigurationException;
import io.github.statesync.boot.autoconfigure.StateSyncAutoConfiguration;
import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.transport.RedisStateSyncTransport;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.redis.PubSubLiveness;
import io.github.statesync.redis.RedisSnapshotStore;
import io.github.statesync.redis.RedisTopicKeys;
import io.github.statesync.redis.RedisTopology;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.RedisMessageListenerContainerConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.util.ClassUtils;
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
@Import(StateSyncFleetConfiguration.class)
public final class StateSyncRedisAutoConfiguration {

	private static final String LISTENER_PROPERTIES = "spring.data.redis.listener";

	private static final String CONFIGURER = "org.springframework.boot.data.redis.autoconfigure.RedisMessageListenerContainerConfigurer";

	@Bean
	@ConditionalOnMissingBean(StateSyncTransport.class)
	RedisStateSyncTransport redisStateSyncTransport(RedisConnectionFactory connectionFactory,
			StateSyncProperties properties, ObjectProvider<JsonMapper> jsonMapper, Environment environment,
			BeanFactory beanFactory) {
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
				JacksonSyncCodec.DEFAULT_MAX_NESTING_DEPTH, redis.getPublishTimeout(), liveness(redis),
				listenerContainer(beanFactory, connectionFactory, environment),
				RedisPubSubModes.resolve(redis.getPubsub(), connectionFactory), replicaReads(redis, connectionFactory));
	}

	private static boolean replicaReads(StateSyncProperties.Redis redis, RedisConnectionFactory connectionFactory) {
		if (redis.getReadFrom() != StateSyncProperties.Redis.ReadFrom.REPLICA_PREFERRED) {
			return false;
		}
		if (!RedisTopology.isLettuceCluster(connectionFactory)) {
			throw new InvalidStateSyncConfigurationException("statesync.redis.read-from", "replica-preferred",
					"statesync reads from replicas on Redis Cluster only (spring.data.redis.cluster.nodes with "
							+ "Lettuce); with Sentinel, Spring Boot's spring.data.redis.lettuce.read-from sends all of "
							+ "the application's reads to replicas");
		}
		return true;
	}

	private static PubSubLiveness liveness(StateSyncProperties.Redis redis) {
		Duration interval = redis.getLivenessInterval();
		Duration timeout = redis.getLivenessTimeout();
		if (interval == null || interval.isNegative()) {
			throw new InvalidStateSyncConfigurationException("statesync.redis.liveness-interval", interval,
					"must be zero (no probe) or positive, for example 5s");
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new InvalidStateSyncConfigurationException("statesync.redis.liveness-timeout", timeout,
					"must be positive, for example 4s: a half-open pub/sub connection is found within "
							+ "liveness-interval + liveness-timeout");
		}
		return new PubSubLiveness(interval, timeout);
	}

	/**
	 * statesync keeps a listener container of its own (one pub/sub connection for every
	 * topic, messages dispatched on the connection's thread) rather than sharing Boot's
	 * {@code redisMessageListenerContainer}, but follows Boot's
	 * {@code spring.data.redis.listener.*} when an application sets any of them, through
	 * Boot's own configurer. Unset, the container recovers with statesync's
	 * {@code RetryPolicy.RECOVERY} (Boot's default is a fixed 5 s).
	 */
	private static Consumer<RedisMessageListenerContainer> listenerContainer(BeanFactory beanFactory,
			RedisConnectionFactory connectionFactory, Environment environment) {
		boolean configured = Binder.get(environment)
			.bind(LISTENER_PROPERTIES, Bindable.mapOf(String.class, Object.class))
			.isBound();
		if (!configured || !ClassUtils.isPresent(CONFIGURER, StateSyncRedisAutoConfiguration.class.getClassLoader())) {
			return (container) -> {
			};
		}
		return BootListenerSettings.customizer(beanFactory, connectionFactory);
	}

	/**
	 * Touches Boot's configurer only when its module is on the classpath.
	 */
	private static final class BootListenerSettings {

		static Consumer<RedisMessageListenerContainer> customizer(BeanFactory beanFactory,
				RedisConnectionFactory connectionFactory) {
			RedisMessageListenerContainerConfigurer configurer = beanFactory
				.getBeanProvider(RedisMessageListenerContainerConfigurer.class)
				.getIfUnique();
			return (configurer != null) ? (container) -> configurer.configure(container, connectionFactory)
					: (container) -> {
					};
		}

	}

	private static int bytes(@Nullable DataSize size, int otherwise) {
		return (size != null) ? (int) size.toBytes() : otherwise;
	}

}
