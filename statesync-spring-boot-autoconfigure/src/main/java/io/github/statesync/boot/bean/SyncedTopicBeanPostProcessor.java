package io.github.statesync.boot.bean;

import java.lang.reflect.Modifier;

import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.BeanTopic;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.target.HotSwappableTargetSource;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.ClassUtils;

/**
 * Registers every {@code @SyncedTopic} bean (annotated class or {@code @Bean} method)
 * with the {@link SyncedTopicRegistry} and hands out a class proxy backed by a
 * hot-swappable target instead of the bean, so injection points see each new snapshot.
 * Beans whose class cannot be proxied (final classes, records) stay as they are; their
 * updates reach {@link io.github.statesync.boot.SyncedValue} only.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class SyncedTopicBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware, PriorityOrdered {

	private static final Logger logger = LoggerFactory.getLogger(SyncedTopicBeanPostProcessor.class);

	private ConfigurableListableBeanFactory beanFactory;

	private @Nullable SyncedTopicRegistry registry;

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
			return bean;
		}
		HotSwappableTargetSource targetSource = new HotSwappableTargetSource(bean);
		registry.registerBean(topic, bean, targetSource);
		ProxyFactory proxyFactory = new ProxyFactory();
		proxyFactory.setTargetSource(targetSource);
		proxyFactory.setProxyTargetClass(true);
		return proxyFactory.getProxy(type.getClassLoader());
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
		return MergedAnnotations.from(ClassUtils.getUserClass(bean), MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
			.get(SyncedTopic.class);
	}

}
