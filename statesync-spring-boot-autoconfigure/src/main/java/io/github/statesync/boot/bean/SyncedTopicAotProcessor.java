package io.github.statesync.boot.bean;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Registers every topic's data type for reflective binding in an AOT-processed
 * application (a native image above all), as {@code @RegisterReflectionForBinding} would:
 * Jackson reads each snapshot into it and writes it back. The types are those of the
 * {@code SyncedValue} bean definitions that {@link SyncedValueBeanRegistrar} made at
 * build time, so a topic declared by a {@code @SyncedTopic} bean and one declared by
 * {@code statesync.topics.<name>.type} are found alike. (The classes of the beans, which
 * {@link SyncedTopicBeanPostProcessor} inspects for injection points, are registered by
 * Spring's own processing.) Registered in {@code META-INF/spring/aot.factories}.
 *
 * @author statesync
 */
final class SyncedTopicAotProcessor implements BeanFactoryInitializationAotProcessor {

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		Set<Class<?>> topicTypes = topicTypes(beanFactory);
		if (topicTypes.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
			topicTypes.forEach((type) -> binding.registerReflectionHints(reflection, type));
		};
	}

	/**
	 * The data types of every topic, but JSON trees: Jackson reads those without
	 * reflection.
	 */
	private static Set<Class<?>> topicTypes(ConfigurableListableBeanFactory beanFactory) {
		Set<Class<?>> types = new LinkedHashSet<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			if (beanName.startsWith(SyncedValueBeanRegistrar.BEAN_NAME_PREFIX)) {
				Class<?> type = beanFactory.getMergedBeanDefinition(beanName)
					.getResolvableType()
					.getGeneric(0)
					.resolve();
				if (type != null && !JsonNode.class.isAssignableFrom(type)) {
					types.add(type);
				}
			}
		}
		return types;
	}

}
