package io.github.statesync.boot.bean;

import org.springframework.aop.TargetSource;
import org.springframework.aop.framework.Advised;

/**
 * Marks the class proxy that stands for a {@code @SyncedTopic} bean at its injection
 * points, so that infrastructure (Jackson, for one) can tell it from the bean's own class
 * and reach the snapshot object behind it.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface SyncedTopicProxy {

	/**
	 * Return the snapshot object a proxy stands for at this moment.
	 * @param proxy a proxy made for a {@code @SyncedTopic} bean
	 * @return its current target
	 * @throws IllegalStateException if the target cannot be obtained
	 */
	static Object currentTarget(SyncedTopicProxy proxy) {
		TargetSource targetSource = ((Advised) proxy).getTargetSource();
		try {
			Object target = targetSource.getTarget();
			if (target == null) {
				throw new IllegalStateException("The @SyncedTopic proxy has no target");
			}
			return target;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot obtain the target of a @SyncedTopic proxy", ex);
		}
	}

}
