package io.github.statesync.boot.test;

import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.core.publish.PublishException;
import org.jspecify.annotations.Nullable;

import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Explains a test that failed because statesync could not reach Redis: the test most
 * likely meant to run statesync in the JVM and forgot
 * {@link AutoConfigureStateSync @AutoConfigureStateSync}. The explanation is added to the
 * test's failure (as a suppressed exception), which is otherwise left as it is.
 * Registered in {@code META-INF/spring.factories}, so it is active in every Spring test
 * that has this module on its classpath; it does nothing unless such a test fails with a
 * {@link PublishException} saying the store is unavailable or did not answer.
 *
 * @author statesync
 */
final class MissingTransportHint extends AbstractTestExecutionListener {

	@Override
	public void afterTestMethod(TestContext testContext) {
		String hint = hint(testContext);
		if (hint != null) {
			throw new IllegalStateException(hint);
		}
	}

	static @Nullable String hint(TestContext testContext) {
		PublishException failure = unreachable(testContext.getTestException());
		if (failure == null
				|| TestContextAnnotationUtils.hasAnnotation(testContext.getTestClass(), AutoConfigureStateSync.class)
				|| !onRedis(testContext)) {
			return null;
		}
		return "statesync could not reach its store (" + failure.getReason() + "). To run statesync in this JVM "
				+ "without Redis, annotate " + testContext.getTestClass().getSimpleName()
				+ " with @AutoConfigureStateSync (io.github.statesync.boot.test, artifact statesync-spring-boot-test)"
				+ ", which sets statesync.transport=local and adds a StateSyncFixture to publish and await snapshots; "
				+ "to test against Redis, start one (spring.data.redis.*)";
	}

	private static boolean onRedis(TestContext testContext) {
		if (!testContext.hasApplicationContext()) {
			return true;
		}
		StateSyncTransport transport = testContext.getApplicationContext()
			.getBeanProvider(StateSyncTransport.class)
			.getIfAvailable();
		return transport == null || "redis".equals(transport.name());
	}

	private static @Nullable PublishException unreachable(@Nullable Throwable failure) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof PublishException publish
					&& (publish.getReason() == PublishException.Reason.UNAVAILABLE
							|| publish.getReason() == PublishException.Reason.TIMEOUT)) {
				return publish;
			}
			if (candidate.getCause() == candidate) {
				break;
			}
		}
		return null;
	}

}
