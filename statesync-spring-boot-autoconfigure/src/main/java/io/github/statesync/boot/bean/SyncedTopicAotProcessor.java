package io.github.statesync.boot.bean;

import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Contributes the reflection an AOT-processed application (a native image above all)
 * needs for its topics, found in the {@code SyncedValue} bean definitions that
 * {@link SyncedValueBeanRegistrar} made at build time, whether a topic comes from a
 * {@code @SyncedTopic} bean or from {@code statesync.topics.<name>.type}:
 * <ul>
 * <li>the binding of each topic's type, as Jackson reads every snapshot into it and
 * writes it back, like {@code @RegisterReflectionForBinding} would;</li>
 * <li>the members of the beans that declare an injection point for a {@code @SyncedTopic}
 * bean that cannot be proxied (a record, a final class), which
 * {@link SyncedTopicBeanPostProcessor} reads to fail start-up naming them.</li>
 * </ul>
 * Registered in {@code META-INF/spring/aot.factories}.
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
		Set<Class<?>> injectingTypes = typesInjecting(beanFactory,
				topicTypes.stream()
					.filter((type) -> Modifier.isFinal(type.getModifiers()))
					.filter((type) -> beanFactory.getBeanNamesForType(type, true, false).length > 0)
					.toList());
		return (generationContext, code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
			topicTypes.forEach((type) -> binding.registerReflectionHints(reflection, type));
			injectingTypes.forEach(reflection::registerType);
		};
	}

	/**
	 * The data types of every topic, but the JSON trees: Jackson binds these without
	 * reflection.
	 */
	static Set<Class<?>> topicTypes(ConfigurableListableBeanFactory beanFactory) {
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

	/**
	 * The classes (and superclasses) of the beans with a field, a constructor parameter
	 * or a method parameter that could receive one of the given types.
	 */
	private static Set<Class<?>> typesInjecting(ConfigurableListableBeanFactory beanFactory,
			Iterable<Class<?>> inPlaceTypes) {
		Set<Class<?>> found = new LinkedHashSet<>();
		if (!inPlaceTypes.iterator().hasNext()) {
			return found;
		}
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			Class<?> beanType = beanFactory.getType(beanName, false);
			if (beanType == null) {
				continue;
			}
			Class<?> userType = ClassUtils.getUserClass(beanType);
			for (Class<?> inPlace : inPlaceTypes) {
				if (declaresInjectionPoint(userType, inPlace)) {
					// the check reads the fields of the superclasses too
					for (Class<?> type = userType; type != null && type != Object.class; type = type.getSuperclass()) {
						found.add(type);
					}
				}
			}
		}
		return found;
	}

	private static boolean declaresInjectionPoint(Class<?> userType, Class<?> type) {
		for (Class<?> current = userType; current != null
				&& current != Object.class; current = current.getSuperclass()) {
			for (Field field : current.getDeclaredFields()) {
				if (SyncedTopicBeanPostProcessor.receives(field.getType(), type)) {
					return true;
				}
			}
		}
		return Stream
			.concat(Arrays.stream(userType.getDeclaredConstructors()), Arrays.stream(userType.getDeclaredMethods()))
			.map(Executable::getParameters)
			.flatMap(Arrays::stream)
			.map(Parameter::getType)
			.anyMatch((declared) -> SyncedTopicBeanPostProcessor.receives(declared, type));
	}

}
