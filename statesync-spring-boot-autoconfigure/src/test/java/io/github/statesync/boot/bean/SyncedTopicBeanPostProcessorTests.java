package io.github.statesync.boot.bean;

import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy class the post-processor predicts is the one it makes: AOT processing makes
 * the predicted class at build time, and an AOT-processed application loads it by name in
 * place of the proxy it would have generated.
 */
class SyncedTopicBeanPostProcessorTests {

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	private final SyncedTopicBeanPostProcessor postProcessor = new SyncedTopicBeanPostProcessor();

	SyncedTopicBeanPostProcessorTests() {
		this.beanFactory.registerSingleton("syncedTopicRegistry", new SyncedTopicRegistry());
		this.postProcessor.setBeanFactory(this.beanFactory);
	}

	@Test
	void predictsTheClassOfTheProxyItMakesForAnAnnotatedClass() {
		Class<?> predicted = this.postProcessor.determineBeanType(Flags.class, "flags");
		Object proxy = this.postProcessor.postProcessAfterInitialization(new Flags(), "flags");
		assertThat(predicted).isNotEqualTo(Flags.class).isSameAs(proxy.getClass());
		assertThat(proxy).isInstanceOf(SyncedTopicProxy.class).isInstanceOf(Flags.class);
	}

	@Test
	void predictsTheClassOfTheProxyItMakesForAnAnnotatedBeanMethod() {
		RootBeanDefinition definition = new RootBeanDefinition(Plain.class);
		definition.setResolvedFactoryMethod(ReflectionUtils.findMethod(PlainConfiguration.class, "plain"));
		this.beanFactory.registerBeanDefinition("plain", definition);
		Class<?> predicted = this.postProcessor.determineBeanType(Plain.class, "plain");
		Object proxy = this.postProcessor.postProcessAfterInitialization(new Plain(), "plain");
		assertThat(predicted).isNotEqualTo(Plain.class).isSameAs(proxy.getClass());
	}

	@Test
	void predictsTheBeansOwnClassWhenItStaysAsItIs() {
		assertThat(this.postProcessor.determineBeanType(Limits.class, "limits")).isSameAs(Limits.class);
		assertThat(this.postProcessor.determineBeanType(Plain.class, "unannotated")).isSameAs(Plain.class);
		assertThat(this.postProcessor.postProcessAfterInitialization(new Plain(), "unannotated").getClass())
			.isSameAs(Plain.class);
	}

	@SyncedTopic("flags")
	static class Flags {

		private boolean beta;

		boolean isBeta() {
			return this.beta;
		}

	}

	static class Plain {

	}

	static class PlainConfiguration {

		@SyncedTopic("plain")
		Plain plain() {
			return new Plain();
		}

	}

	@SyncedTopic("limits")
	record Limits(int rate) {

	}

}
