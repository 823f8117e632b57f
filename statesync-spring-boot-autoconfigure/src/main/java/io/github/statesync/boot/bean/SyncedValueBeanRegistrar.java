package io.github.statesync.boot.bean;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;
import org.springframework.core.type.MethodMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers a {@code SyncedValue<T>} bean, qualified by the topic name, for every
 * {@code @SyncedTopic} bean and for every topic configured under {@code statesync.topics}
 * without one (typed by {@code statesync.topics.<name>.type}, a JSON tree by default).
 *
 * @author statesync
 * @since 0.1.0
 */
public final class SyncedValueBeanRegistrar
		implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, BeanRegistrationAotProcessor {

	/** Prefix of the names of the registered {@code SyncedValue} beans. */
	public static final String BEAN_NAME_PREFIX = "statesync.syncedValue.";

	// the name StateSyncAutoConfiguration gives the registry, unless found otherwise
	private static final String DEFAULT_REGISTRY_BEAN_NAME = "syncedTopicRegistry";

	private static final ConfigurationPropertyName TOPICS = ConfigurationPropertyName.of("statesync.topics");

	private static final String ACTION = "Set it to the fully qualified name of the topic's data class, for "
			+ "example com.example.Flags (a nested class as com.example.Outer$Flags or com.example.Outer.Flags), "
			+ "or remove it to sync the topic as a JSON tree into SyncedValue<JsonNode>";

	private final InvalidTypeReporter invalidType;

	private @Nullable Environment environment;

	/**
	 * Create a registrar whose failure for a configured type that cannot be loaded is an
	 * {@link IllegalArgumentException}.
	 */
	public SyncedValueBeanRegistrar() {
		this((property, value, reason) -> new IllegalArgumentException(property + "=" + value + ": " + reason));
	}

	/**
	 * Create a registrar.
	 * @param invalidType makes the exception thrown when a configured
	 * {@code statesync.topics.<name>.type} cannot be loaded
	 */
	public SyncedValueBeanRegistrar(InvalidTypeReporter invalidType) {
		this.invalidType = invalidType;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
		ClassLoader classLoader = (registry instanceof org.springframework.beans.factory.config.ConfigurableBeanFactory factory)
				? factory.getBeanClassLoader() : ClassUtils.getDefaultClassLoader();
		Map<String, Class<?>> topics = new LinkedHashMap<>();
		String registryBeanName = DEFAULT_REGISTRY_BEAN_NAME;
		for (String beanName : registry.getBeanDefinitionNames()) {
			BeanDefinition definition = registry.getBeanDefinition(beanName);
			MergedAnnotation<SyncedTopic> annotation = MergedAnnotation.missing();
			String typeName = null;
			if (definition instanceof AnnotatedBeanDefinition annotated) {
				MethodMetadata factoryMethod = annotated.getFactoryMethodMetadata();
				if (factoryMethod != null) {
					// the method's annotation wins, as in SyncedTopicBeanPostProcessor
					annotation = factoryMethod.getAnnotations().get(SyncedTopic.class);
					typeName = factoryMethod.getReturnTypeName();
					if (!annotation.isPresent()) {
						annotation = MergedAnnotations
							.from(ClassUtils.resolveClassName(typeName, classLoader),
									MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
							.get(SyncedTopic.class);
					}
				}
				else {
					typeName = annotated.getMetadata().getClassName();
					annotation = MergedAnnotations
						.from(ClassUtils.resolveClassName(typeName, classLoader),
								MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
						.get(SyncedTopic.class);
				}
			}
			else if (definition.getBeanClassName() != null) {
				Class<?> beanClass = ClassUtils.resolveClassName(definition.getBeanClassName(), classLoader);
				annotation = MergedAnnotations.from(beanClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
					.get(SyncedTopic.class);
				typeName = beanClass.getName();
			}
			if (SyncedTopicRegistry.class.getName().equals(typeName)) {
				registryBeanName = beanName;
			}
			if (annotation.isPresent() && typeName != null) {
				// a lazy bean would never be created, so its topic would never sync
				definition.setLazyInit(false);
				topics.put(SyncedTopicAnnotations.topicName(annotation, beanName),
						ClassUtils.resolveClassName(typeName, classLoader));
			}
		}
		if (this.environment != null) {
			configuredTopics(this.environment).forEach((topic, type) -> {
				if (!topics.containsKey(topic)) {
					topics.put(topic, (type != null) ? configuredType(topic, type, classLoader) : JsonNode.class);
				}
			});
		}
		String factoryBeanName = registryBeanName;
		topics.forEach((topic, type) -> {
			// The registry's value(topic), declared rather than hidden in a lambda: AOT
			// processing writes it as code (an instance supplier it cannot).
			RootBeanDefinition definition = new RootBeanDefinition();
			definition.setFactoryBeanName(factoryBeanName);
			definition.setFactoryMethodName("value");
			definition.getConstructorArgumentValues().addIndexedArgumentValue(0, topic);
			definition.setTargetType(ResolvableType.forClassWithGenerics(SyncedValue.class, type));
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, topic));
			registry.registerBeanDefinition(BEAN_NAME_PREFIX + topic, definition);
		});
	}

	/**
	 * Nothing to contribute: the definitions this registrar made are written as code with
	 * the others, so an AOT-processed application does not run it again (the default of
	 * {@link #isBeanExcludedFromAotProcessing()}); its topics are those known at build
	 * time.
	 */
	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		return null;
	}

	private Class<?> configuredType(String topic, String type, @Nullable ClassLoader classLoader) {
		String property = topic.matches("[a-z0-9-]+") ? "statesync.topics." + topic + ".type"
				: "statesync.topics[" + topic + "].type";
		String name = type.trim();
		if (name.isEmpty()) {
			throw this.invalidType.create(property, type, "is empty. " + ACTION);
		}
		try {
			return ClassUtils.forName(name, classLoader);
		}
		catch (ClassNotFoundException ex) {
			throw this.invalidType.create(property, type,
					"no class of that name is on the application's class path. " + ACTION);
		}
		catch (LinkageError ex) {
			throw this.invalidType.create(property, type, "the class cannot be loaded (" + ex + "). " + ACTION);
		}
	}

	/**
	 * Makes the exception that reports a configured type that cannot be loaded.
	 */
	@FunctionalInterface
	public interface InvalidTypeReporter {

		/**
		 * Create the exception to throw.
		 * @param property the full name of the property
		 * @param value its value
		 * @param reason why it cannot work, and what to do
		 * @return the exception
		 */
		RuntimeException create(String property, String value, String reason);

	}

	/**
	 * Find the topics under {@code statesync.topics} and their {@code type}, in one pass
	 * over the property names: binding a map of maps instead costs a scan of every name
	 * per topic, quadratic with thousands of topics.
	 * @return each configured topic and its type's name, or {@code null} for a JSON tree
	 */
	static Map<String, @Nullable String> configuredTopics(Environment environment) {
		Map<String, @Nullable String> topics = new LinkedHashMap<>();
		Map<String, String> types = new LinkedHashMap<>();
		// property sources come in precedence order: the first value found wins
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream().filter(TOPICS::isAncestorOf).forEach((name) -> {
				String topic = name.getElement(TOPICS.getNumberOfElements(), Form.ORIGINAL);
				topics.putIfAbsent(topic, null);
				if (name.getNumberOfElements() == TOPICS.getNumberOfElements() + 2
						&& "type".equals(name.getLastElement(Form.UNIFORM)) && !types.containsKey(topic)) {
					ConfigurationProperty type = source.getConfigurationProperty(name);
					if (type != null && type.getValue() != null) {
						types.put(topic, environment.resolveRequiredPlaceholders(type.getValue().toString()));
					}
				}
			});
		}
		topics.replaceAll((topic, type) -> types.get(topic));
		return topics;
	}

}
