package io.github.statesync.boot.bean;

import java.lang.reflect.Modifier;
import java.util.List;

/**
 * A {@code @SyncedTopic} bean that cannot be updated in place (a record, a final class,
 * or a bean proxied before statesync saw it) is injected directly: those injection points
 * would keep the bean's first value forever.
 *
 * @author statesync
 * @since 0.1.0
 */
public class SyncedTopicInjectionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String beanName;

	private final String topic;

	private final Class<?> beanType;

	private final List<String> injectionPoints;

	/**
	 * Create a new exception.
	 * @param beanName the name of the {@code @SyncedTopic} bean
	 * @param topic its topic
	 * @param beanType its type
	 * @param injectionPoints a description of each injection point that receives it
	 */
	public SyncedTopicInjectionException(String beanName, String topic, Class<?> beanType,
			List<String> injectionPoints) {
		super("@SyncedTopic bean '" + beanName + "' (topic '" + topic + "') of type " + beanType.getName()
				+ " cannot be updated in place (" + why(beanType)
				+ "), yet it is injected directly, so these injection points would keep its first value forever: "
				+ String.join("; ", injectionPoints));
		this.beanName = beanName;
		this.topic = topic;
		this.beanType = beanType;
		this.injectionPoints = List.copyOf(injectionPoints);
	}

	private static String why(Class<?> type) {
		if (type.isRecord()) {
			return "a record cannot be proxied";
		}
		if (Modifier.isFinal(type.getModifiers())) {
			return "a final class cannot be proxied";
		}
		return "it was proxied before statesync saw it";
	}

	/**
	 * Return the name of the {@code @SyncedTopic} bean.
	 * @return the bean name
	 */
	public String getBeanName() {
		return this.beanName;
	}

	/**
	 * Return the bean's topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the bean's type.
	 * @return the type
	 */
	public Class<?> getBeanType() {
		return this.beanType;
	}

	/**
	 * Return a description of each injection point that receives the bean itself.
	 * @return the injection points
	 */
	public List<String> getInjectionPoints() {
		return this.injectionPoints;
	}

}
