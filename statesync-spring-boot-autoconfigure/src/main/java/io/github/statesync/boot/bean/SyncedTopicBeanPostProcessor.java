package io.github.statesync.boot.bean;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.sync.SyncedTopicTargetSource;
import io.github.statesync.boot.topic.BeanTopic;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.SpringProxy;
import org.springframework.aop.TargetSource;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.SmartInstantiationAwareBeanPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Registers every {@code @SyncedTopic} bean (annotated class or {@code @Bean} method)
 * with the {@link SyncedTopicRegistry} and hands out a class proxy backed by a
 * hot-swappable target instead of the bean, so injection points see each new snapshot.
 * Beans whose class cannot be proxied (final classes, records) stay as they are; their
 * updates reach {@link io.github.statesync.boot.SyncedValue} only, so once every
 * singleton exists, start-up fails with a {@link SyncedTopicInjectionException} if such a
 * bean is injected directly anywhere (a field, a constructor or {@code @Bean} method
 * parameter of its type): that injection point would keep the first value forever.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class SyncedTopicBeanPostProcessor implements SmartInstantiationAwareBeanPostProcessor, BeanFactoryAware,
		PriorityOrdered, SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(SyncedTopicBeanPostProcessor.class);

	private ConfigurableListableBeanFactory beanFactory;

	private @Nullable SyncedTopicRegistry registry;

	// the beans left as they are, by name, with their topic and type
	private final Map<String, BeanTopic> inPlace = new LinkedHashMap<>();

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		MergedAnnotation<SyncedTopic> annotation = findAnnotation(bean, beanName);
		if (!annotation.isPresent()) {
			return bean;
		}
		Class<?> type = ClassUtils.getUserClass(bean);
		BeanTopic topic = SyncedTopicAnnotations.beanTopic(annotation, beanName, type);
		SyncedTopicRegistry registry = registry();
		if (AopUtils.isAopProxy(bean) || Modifier.isFinal(type.getModifiers())) {
			logger.info(
					"Bean '{}' of type {} cannot be updated in place for topic '{}' (final, a record, or "
							+ "already proxied): inject SyncedValue<{}> to read its snapshots",
					beanName, type.getName(), topic.topic(), type.getSimpleName());
			registry.registerBean(topic, bean, null);
			synchronized (this.inPlace) {
				this.inPlace.put(beanName, topic);
			}
			return bean;
		}
		SyncedTopicTargetSource targetSource = new SyncedTopicTargetSource(bean);
		registry.registerBean(topic, bean, targetSource);
		return proxyFactory(targetSource).getProxy(type.getClassLoader());
	}

	/**
	 * Predict the class of the proxy {@link #postProcessAfterInitialization} will return,
	 * by making that very class: AOT processing calls this for every bean, keeps the
	 * classes made and their reflection hints, and an AOT-processed application (a native
	 * image above all, which cannot define classes at run time) loads the class made at
	 * build time instead of generating it.
	 * @param beanClass the class of the bean as known so far
	 * @param beanName the name of the bean
	 * @return the class of the proxy, or {@code beanClass} if the bean stays as it is
	 */
	@Override
	public Class<?> determineBeanType(Class<?> beanClass, String beanName) {
		Class<?> type = ClassUtils.getUserClass(beanClass);
		// an interface or a proxy already: the bean's own class is not known here, or it
		// stays as it is
		if (type.isInterface() || SpringProxy.class.isAssignableFrom(beanClass) || Modifier.isFinal(type.getModifiers())
				|| !findAnnotation(type, beanName).isPresent()) {
			return beanClass;
		}
		return proxyFactory(new PredictedTargetSource(beanClass)).getProxyClass(type.getClassLoader());
	}

	/**
	 * The one place the proxy is configured: a prediction that differed from the proxy
	 * made would name a class that an AOT-processed application then loads in its place.
	 */
	private static ProxyFactory proxyFactory(TargetSource targetSource) {
		ProxyFactory proxyFactory = new ProxyFactory();
		proxyFactory.setTargetSource(targetSource);
		proxyFactory.setProxyTargetClass(true);
		// lets Jackson write the proxy as its current target (SyncedTopicJacksonModule)
		proxyFactory.addInterface(SyncedTopicProxy.class);
		return proxyFactory;
	}

	/**
	 * Fail if a bean that could not be proxied is injected directly: Spring recorded
	 * every bean it was injected into, and the injection point of its type is looked up
	 * in each of those, so a collection or an {@code ObjectProvider} that happens to
	 * reach it does not count.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		Map<String, BeanTopic> candidates;
		synchronized (this.inPlace) {
			candidates = new LinkedHashMap<>(this.inPlace);
		}
		candidates.forEach((beanName, topic) -> {
			List<String> injectionPoints = new ArrayList<>();
			for (String dependent : this.beanFactory.getDependentBeans(beanName)) {
				injectionPoints.addAll(injectionPoints(dependent, topic.type()));
			}
			if (!injectionPoints.isEmpty()) {
				throw new SyncedTopicInjectionException(beanName, topic.topic(), topic.type(), injectionPoints);
			}
		});
	}

	private List<String> injectionPoints(String dependent, Class<?> type) {
		List<String> found = new ArrayList<>();
		Class<?> dependentType = this.beanFactory.getType(dependent, false);
		if (dependentType == null) {
			return found;
		}
		Class<?> userType = ClassUtils.getUserClass(dependentType);
		String of = " of bean '" + dependent + "' (" + userType.getName() + ")";
		ReflectionUtils.doWithFields(userType, (field) -> {
			if (receives(field.getType(), type)) {
				found.add("field '" + field.getName() + "'" + of);
			}
		}, (field) -> !Modifier.isStatic(field.getModifiers()));
		for (Constructor<?> constructor : userType.getDeclaredConstructors()) {
			addParameters(constructor, type, (name) -> "constructor parameter '" + name + "'" + of, found);
		}
		for (Method method : userType.getDeclaredMethods()) {
			MergedAnnotations annotations = MergedAnnotations.from(method);
			if (!Modifier.isStatic(method.getModifiers()) && method.getParameterCount() > 0
					&& (annotations.isPresent(Autowired.class) || annotations.isPresent("jakarta.inject.Inject"))) {
				addParameters(method, type,
						(name) -> "parameter '" + name + "' of method " + method.getName() + "()" + of, found);
			}
		}
		if (this.beanFactory.containsBeanDefinition(dependent)
				&& this.beanFactory.getMergedBeanDefinition(dependent) instanceof RootBeanDefinition definition
				&& definition.getResolvedFactoryMethod() != null) {
			Method factoryMethod = definition.getResolvedFactoryMethod();
			addParameters(factoryMethod, type,
					(name) -> "parameter '" + name + "' of @Bean method "
							+ factoryMethod.getDeclaringClass().getSimpleName() + "." + factoryMethod.getName()
							+ "() (bean '" + dependent + "')",
					found);
		}
		return found;
	}

	private static void addParameters(Executable executable, Class<?> type, Function<String, String> describe,
			List<String> found) {
		for (Parameter parameter : executable.getParameters()) {
			if (receives(parameter.getType(), type)) {
				found.add(describe.apply(parameter.getName()));
			}
		}
	}

	/**
	 * Whether a field or parameter of the declared type can hold the bean itself:
	 * {@code Object} and the bean's own interfaces are too general to tell.
	 */
	private static boolean receives(Class<?> declared, Class<?> type) {
		return declared == type
				|| (declared != Object.class && !declared.isInterface() && declared.isAssignableFrom(type));
	}

	private SyncedTopicRegistry registry() {
		// Looked up on first use rather than injected: whatever a post-processor
		// depends on is created too early to be post-processed itself.
		if (this.registry == null) {
			this.registry = this.beanFactory.getBean(SyncedTopicRegistry.class);
		}
		return this.registry;
	}

	private MergedAnnotation<SyncedTopic> findAnnotation(Object bean, String beanName) {
		return findAnnotation(ClassUtils.getUserClass(bean), beanName);
	}

	private MergedAnnotation<SyncedTopic> findAnnotation(Class<?> userClass, String beanName) {
		// The @Bean method's annotation is the more specific one: it wins.
		if (this.beanFactory != null && this.beanFactory.containsBeanDefinition(beanName)
				&& this.beanFactory.getMergedBeanDefinition(beanName) instanceof RootBeanDefinition definition
				&& definition.getResolvedFactoryMethod() != null) {
			MergedAnnotation<SyncedTopic> onMethod = MergedAnnotations.from(definition.getResolvedFactoryMethod())
				.get(SyncedTopic.class);
			if (onMethod.isPresent()) {
				return onMethod;
			}
		}
		return MergedAnnotations.from(userClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
			.get(SyncedTopic.class);
	}

	/**
	 * Stands for the {@link SyncedTopicTargetSource} of a bean not created yet: the same
	 * target class, and not static either, so that the proxy class made for it is the one
	 * made for the bean.
	 */
	private static final class PredictedTargetSource implements TargetSource {

		private final Class<?> targetClass;

		PredictedTargetSource(Class<?> targetClass) {
			this.targetClass = targetClass;
		}

		@Override
		public Class<?> getTargetClass() {
			return this.targetClass;
		}

		@Override
		public boolean isStatic() {
			return false;
		}

		@Override
		public Object getTarget() {
			throw new IllegalStateException("Only stands for a bean's target in a proxy class prediction");
		}

	}

}
