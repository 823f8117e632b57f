package io.github.statesync.boot.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.github.statesync.boot.SnapshotMigration;
import io.github.statesync.boot.StateSyncTopicGroup;
import io.github.statesync.boot.autoconfigure.StateSyncProperties.Transport;
import io.github.statesync.boot.bean.SyncedTopicBeanPostProcessor;
import io.github.statesync.boot.bean.SyncedTopicJacksonModule;
import io.github.statesync.boot.bean.SyncedValueBeanRegistrar;
import io.github.statesync.boot.reconcile.TopicReconciler;
import io.github.statesync.boot.reconcile.TopicRevisions;
import io.github.statesync.boot.rest.RestSnapshotProviders;
import io.github.statesync.boot.statistics.TopicStatistics;
import io.github.statesync.boot.sync.BeanValidationSnapshotValidator;
import io.github.statesync.boot.sync.EchoingStatePublisher;
import io.github.statesync.boot.sync.PublisherStateHistory;
import io.github.statesync.boot.sync.StateSyncLifecycle;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.SnapshotValidator;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.topic.TopicSettingsResolver;
import io.github.statesync.boot.transport.LocalStateSyncTransport;
import io.github.statesync.boot.validate.PublishValidator;
import io.github.statesync.core.archive.FileSnapshotArchive;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncScheduler;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.StateHistory;
import io.github.statesync.core.publish.StatePublisher;
import io.github.statesync.core.spi.SnapshotArchive;
import io.github.statesync.jackson.JacksonSyncCodec;
import io.github.statesync.jackson.StateSyncJacksonModule;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.messaging.support.ExecutorSubscribableChannel;

/**
 * Auto-configuration of statesync: finds
 * {@link io.github.statesync.boot.SyncedTopic @SyncedTopic} beans and configured topics,
 * and runs a sync handle for each on the transport that the Redis auto-configuration (or,
 * without Redis, the in-JVM transport) provides.
 *
 * @author statesync
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "statesync.enabled", matchIfMissing = true)
@EnableConfigurationProperties(StateSyncProperties.class)
@Import(StateSyncAutoConfiguration.BeanValidationConfiguration.class)
public final class StateSyncAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SyncedTopicRegistry syncedTopicRegistry() {
		return new SyncedTopicRegistry();
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SyncedTopicBeanPostProcessor syncedTopicBeanPostProcessor() {
		return new SyncedTopicBeanPostProcessor();
	}

	@Bean
	static SyncedValueBeanRegistrar syncedValueBeanRegistrar() {
		return new SyncedValueBeanRegistrar(InvalidStateSyncConfigurationException::new);
	}

	/**
	 * Writes {@code Revision} and {@code PublishResult} in the protocol's forms with the
	 * application's {@code JsonMapper} (Spring Boot registers every {@code JacksonModule}
	 * bean with it).
	 */
	@Bean
	@ConditionalOnMissingBean
	StateSyncJacksonModule stateSyncJacksonModule() {
		return new StateSyncJacksonModule();
	}

	/**
	 * Writes the proxy injected for a {@code @SyncedTopic} bean as its current snapshot.
	 */
	@Bean
	@ConditionalOnMissingBean
	SyncedTopicJacksonModule syncedTopicJacksonModule() {
		return new SyncedTopicJacksonModule();
	}

	@Bean
	TopicStatistics stateSyncTopicStatistics() {
		return new TopicStatistics(Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	SyncScheduler stateSyncScheduler() {
		return SyncScheduler.shared();
	}

	@Bean
	@ConditionalOnMissingBean(StateSyncTransport.class)
	LocalStateSyncTransport localStateSyncTransport(StateSyncProperties properties,
			ObjectProvider<JsonMapper> jsonMapper, Environment environment) {
		if (properties.getTransport() == Transport.REDIS) {
			throw new InvalidStateSyncConfigurationException("statesync.transport", "redis",
					"the Redis transport needs statesync-redis and spring-boot-data-redis on the classpath and a "
							+ "RedisConnectionFactory bean (spring.data.redis.*)");
		}
		return new LocalStateSyncTransport(new ExecutorSubscribableChannel(), mapper(jsonMapper),
				properties.determineNodeId(environment));
	}

	@Bean
	@ConditionalOnMissingBean(TopicSettingsResolver.class)
	PropertiesTopicSettingsResolver stateSyncTopicSettingsResolver(StateSyncProperties properties,
			ObjectProvider<StateSyncTopicCustomizer> customizers, ObjectProvider<StateSyncTopicGroup<?>> groups,
			Environment environment) {
		EmptyTopicDeclarations.rebind(properties, environment);
		PropertiesTopicSettingsResolver resolver = new PropertiesTopicSettingsResolver(properties,
				customizers.orderedStream().toList(), groups.orderedStream().toList());
		resolver.validateConfiguredTopics();
		return resolver;
	}

	/**
	 * The publisher: checks a publish with the readers' rules, then with every
	 * {@link PublishValidator} bean in {@code @Order}, each known by its bean name;
	 * stamps the topic's schema version; keeps the topic's history and logs the audit
	 * line.
	 */
	@Bean
	@ConditionalOnMissingBean(StatePublisher.class)
	EchoingStatePublisher statePublisher(StateSyncTransport transport, SyncedTopicRegistry registry,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<PublishValidator> validators,
			ListableBeanFactory beanFactory, TopicSettingsResolver settingsResolver, StateSyncProperties properties) {
		Map<PublishValidator, String> names = new IdentityHashMap<>();
		beanFactory.getBeansOfType(PublishValidator.class).forEach((name, validator) -> names.put(validator, name));
		Map<String, PublishValidator> ordered = new LinkedHashMap<>();
		validators.orderedStream()
			.forEach((validator) -> ordered.put(
					Objects.requireNonNullElseGet(names.get(validator), () -> validator.getClass().getName()),
					validator));
		Map<String, HistoryRetention> retentions = new ConcurrentHashMap<>();
		return new EchoingStatePublisher(transport.publisher(), registry, mapper(jsonMapper), ordered,
				(topic) -> transport.provider(settingsResolver.resolve(topic, registry.beanTopic(topic))),
				properties.getRedis().getPublishTimeout(), (topic) -> declaredSchemaVersion(properties, topic),
				(topic) -> retentions.computeIfAbsent(topic,
						(name) -> PropertiesTopicSettingsResolver.historyRetention(properties, name)),
				transport.nodeId());
	}

	/**
	 * History and rollback, through the auto-configured publisher, so that a rollback is
	 * checked, echoed and audited like any write. An application that replaces the
	 * {@link StatePublisher} gets no history bean: a rollback must not write around its
	 * publisher.
	 */
	@Bean
	@ConditionalOnBean(EchoingStatePublisher.class)
	@ConditionalOnMissingBean(StateHistory.class)
	PublisherStateHistory stateHistory(EchoingStatePublisher publisher) {
		return new PublisherStateHistory(publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	StateSyncLifecycle stateSyncLifecycle(SyncedTopicRegistry registry, TopicSettingsResolver settingsResolver,
			StateSyncTransport transport, ObjectProvider<RestSnapshotProviders> restProviders, SyncScheduler scheduler,
			ObjectProvider<SyncListener> listeners, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<SnapshotValidator> validator, ApplicationEventPublisher events,
			StateSyncProperties properties, ObjectProvider<SnapshotArchive<JsonNode>> archive,
			ObjectProvider<SnapshotMigration> migrations) {
		return new StateSyncLifecycle(registry, settingsResolver, transport, restProviders.getIfAvailable(), scheduler,
				listeners.orderedStream().toList(), mapper(jsonMapper), validator.getIfUnique(), events,
				properties.getStartupTimeout(), archive::getIfUnique, migrations.orderedStream().toList());
	}

	/**
	 * Reconciliation, when the transport's store can read many topics' revisions at once
	 * (Redis can; the in-JVM transport loses no invalidation).
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TopicRevisions.class)
	TopicReconciler stateSyncReconciler(SyncedTopicRegistry registry, TopicRevisions revisions,
			StateSyncTransport transport, TopicStatistics statistics, SyncScheduler scheduler,
			StateSyncProperties properties) {
		if (properties.getReconcileInterval().isNegative()) {
			throw new InvalidStateSyncConfigurationException("statesync.reconcile-interval",
					properties.getReconcileInterval(), "must not be negative; 0 turns reconciliation off");
		}
		return new TopicReconciler(registry, revisions, "redis".equals(transport.name()) ? "Redis" : transport.name(),
				statistics, scheduler, properties.getReconcileInterval());
	}

	/**
	 * The archive of last-known-good snapshots: lazy, so that its directory is created
	 * only when a topic enables it; closed, writing what still waits, after every topic
	 * stopped.
	 */
	@Bean
	@Lazy
	@ConditionalOnMissingBean(SnapshotArchive.class)
	FileSnapshotArchive<JsonNode> stateSyncSnapshotArchive(StateSyncProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		Path directory = properties.getLastKnownGoodDirectory();
		try {
			return new FileSnapshotArchive<>(directory, new JacksonSyncCodec(mapper(jsonMapper), Integer.MAX_VALUE,
					JacksonSyncCodec.DEFAULT_MAX_NESTING_DEPTH), JsonNode.class);
		}
		catch (IOException ex) {
			throw new InvalidStateSyncConfigurationException("statesync.last-known-good-directory", directory,
					"cannot be created or written: " + ex);
		}
	}

	/**
	 * The schema version a topic's property declares, for topics this node writes but
	 * does not follow (followed topics publish their resolved version).
	 */
	private static int declaredSchemaVersion(StateSyncProperties properties, String topic) {
		StateSyncProperties.Topic settings = properties.getTopics().get(topic);
		Integer version = (settings != null) ? settings.getSchemaVersion() : null;
		return (version != null && version >= 1) ? version : 1;
	}

	private static JsonMapper mapper(ObjectProvider<JsonMapper> jsonMapper) {
		return jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
	}

	// Bean Validation is optional. Its types appear only in this nested class, which is
	// read only after @ConditionalOnClass found them.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.validation.Validator")
	static class BeanValidationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(jakarta.validation.Validator.class)
		BeanValidationSnapshotValidator stateSyncSnapshotValidator(
				ObjectProvider<jakarta.validation.Validator> validator) {
			return new BeanValidationSnapshotValidator(validator.getObject());
		}

	}

}
