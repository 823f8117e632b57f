package io.github.statesync.boot.test;

import java.lang.reflect.Method;

import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.publish.PublishException.Reason;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextManager;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class MissingTransportHintTests {

	private static final PublishException UNREACHABLE = new PublishException(Reason.UNAVAILABLE,
			"Publishing topic 'greeting' failed, Redis is unavailable: Unable to connect to Redis", null);

	private final MissingTransportHint hint = new MissingTransportHint();

	@Test
	void aTestWithoutTheAnnotationThatCouldNotReachRedisIsToldToAddIt() throws Exception {
		TestContext failed = failed(Forgetful.class, new IllegalStateException("greeting failed", UNREACHABLE));

		assertThatIllegalStateException().isThrownBy(() -> this.hint.afterTestMethod(failed))
			.withMessageStartingWith("statesync could not reach its store (UNAVAILABLE). To run statesync in this JVM "
					+ "without Redis, annotate Forgetful with @AutoConfigureStateSync");
	}

	@Test
	void aTestWithTheAnnotationIsLeftAsItFailed() throws Exception {
		TestContext failed = failed(Annotated.class, UNREACHABLE);

		assertThatNoException().isThrownBy(() -> this.hint.afterTestMethod(failed));
	}

	@Test
	void aPublishRefusedForItsDataIsLeftAsItFailed() throws Exception {
		TestContext failed = failed(Forgetful.class,
				new PublishException(Reason.TOO_LARGE, "snapshot of 3 MB exceeds 1 MB", null));

		assertThatNoException().isThrownBy(() -> this.hint.afterTestMethod(failed));
	}

	@Test
	void aTestThatFailedForAnotherReasonIsLeftAsItFailed() throws Exception {
		TestContext failed = failed(Forgetful.class, new AssertionError("expected 2 but was 1"));

		assertThatNoException().isThrownBy(() -> this.hint.afterTestMethod(failed));
	}

	private static TestContext failed(Class<?> testClass, Throwable failure) throws Exception {
		TestContext context = new TestContextManager(testClass).getTestContext();
		Method test = testClass.getDeclaredMethod("test");
		context.updateState(testClass.getDeclaredConstructor().newInstance(), test, failure);
		return context;
	}

	static class Forgetful {

		void test() {
		}

	}

	@AutoConfigureStateSync
	static class Annotated {

		void test() {
		}

	}

}
