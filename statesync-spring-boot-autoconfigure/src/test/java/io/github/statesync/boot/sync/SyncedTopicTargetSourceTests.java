package io.github.statesync.boot.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.statesync.boot.SyncedTopic;
import io.github.statesync.boot.bean.SyncedTopicBeanPostProcessor;
import io.github.statesync.boot.bean.SyncedTopicProxy;
import io.github.statesync.core.protocol.Revision;
import org.junit.jupiter.api.Test;

import org.springframework.aop.TargetSource;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.target.HotSwappableTargetSource;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @SyncedTopic} bean's proxy over a {@link SyncedTopicTargetSource}: each call
 * runs on one whole snapshot, a swap is seen by the calls after it, and the proxy's
 * {@code equals}, {@code hashCode} and {@code toString} behave as they did over Spring's
 * {@link HotSwappableTargetSource}.
 */
class SyncedTopicTargetSourceTests {

	private final SyncedTopicRegistry registry = new SyncedTopicRegistry();

	private final SyncedTopicBeanPostProcessor postProcessor = new SyncedTopicBeanPostProcessor();

	SyncedTopicTargetSourceTests() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("syncedTopicRegistry", this.registry);
		this.postProcessor.setBeanFactory(beanFactory);
	}

	private Pair proxy(Pair bean, String name) {
		return (Pair) this.postProcessor.postProcessAfterInitialization(bean, name);
	}

	@SuppressWarnings("unchecked")
	private void swap(String topic, long revision, Pair value) {
		((TopicValue<Object>) this.registry.topicValue(topic)).swap(Revision.of(revision), value);
	}

	@Test
	void proxyAsksItsTargetSourceOnEveryCall() {
		Pair proxy = proxy(new Pair(0, 0), "pair");
		TargetSource targetSource = ((Advised) proxy).getTargetSource();
		assertThat(targetSource).isInstanceOf(SyncedTopicTargetSource.class);
		assertThat(targetSource.isStatic()).isFalse();
		assertThat(targetSource.getTargetClass()).isSameAs(Pair.class);
	}

	@Test
	void swapIsSeenByTheNextCall() {
		Pair proxy = proxy(new Pair(0, 0), "pair");
		assertThat(proxy.first()).isZero();
		for (int i = 1; i <= 100; i++) {
			swap("pair", i, new Pair(i, -i));
			assertThat(proxy.first()).isEqualTo(i);
			assertThat(proxy.second()).isEqualTo(-i);
			assertThat(SyncedTopicProxy.currentTarget((SyncedTopicProxy) proxy)).isEqualTo(new Pair(i, -i));
		}
	}

	@Test
	void concurrentCallsSeeWholeSnapshotsInTheOrderTheyWereMade() throws Exception {
		Pair proxy = proxy(new Pair(0, 0), "pair");
		int readers = 3;
		ExecutorService executor = Executors.newFixedThreadPool(readers);
		AtomicBoolean done = new AtomicBoolean();
		CountDownLatch started = new CountDownLatch(readers);
		List<Future<String>> results = new ArrayList<>();
		try {
			for (int r = 0; r < readers; r++) {
				results.add(executor.submit(() -> {
					started.countDown();
					long last = 0;
					long calls = 0;
					while (!done.get() || calls == 0) {
						// one call, one target: both halves come from the same snapshot
						long whole = proxy.whole();
						int first = (int) (whole >> 32);
						int second = (int) whole;
						if (first != second) {
							return "torn: " + first + "/" + second;
						}
						if (first < last) {
							return "went back from " + last + " to " + first;
						}
						last = first;
						calls++;
					}
					return "ok";
				}));
			}
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			for (int i = 1; i <= 50_000; i++) {
				swap("pair", i, new Pair(i, i));
			}
			done.set(true);
			for (Future<String> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
			}
			assertThat(proxy.first()).isEqualTo(50_000);
		}
		finally {
			done.set(true);
			executor.shutdownNow();
		}
	}

	@Test
	void equalsHashCodeAndToStringBehaveAsOverAHotSwappableTargetSource() {
		Pair one = proxy(new Pair(1, 1), "one");
		Pair two = proxy(new Pair(1, 1), "two");
		Pair hotOne = hotSwappableProxy(new Pair(1, 1));
		Pair hotTwo = hotSwappableProxy(new Pair(1, 1));
		int hashCode = one.hashCode();

		assertThat(one.equals(one)).isEqualTo(hotOne.equals(hotOne)).isTrue();
		assertThat(one.equals(two)).isEqualTo(hotOne.equals(hotTwo)).isTrue();
		assertThat(one.equals(new Pair(1, 1))).isEqualTo(hotOne.equals(new Pair(1, 1))).isFalse();
		assertThat(two.hashCode()).isEqualTo(hashCode);
		assertThat(one.toString()).isEqualTo(hotOne.toString()).isEqualTo("Pair[1/1]");

		swap("two", 1, new Pair(2, 2));
		((HotSwappableTargetSource) ((Advised) hotTwo).getTargetSource()).swap(new Pair(2, 2));
		assertThat(one.equals(two)).isEqualTo(hotOne.equals(hotTwo)).isFalse();
		assertThat(two.hashCode()).isEqualTo(hashCode);
		assertThat(hotTwo.hashCode()).isEqualTo(hotOne.hashCode());
		assertThat(two.toString()).isEqualTo(hotTwo.toString()).isEqualTo("Pair[2/2]");
	}

	// the proxy as it was made before: the same configuration over Spring's target source
	private static Pair hotSwappableProxy(Pair bean) {
		ProxyFactory proxyFactory = new ProxyFactory();
		proxyFactory.setTargetSource(new HotSwappableTargetSource(bean));
		proxyFactory.setProxyTargetClass(true);
		proxyFactory.addInterface(SyncedTopicProxy.class);
		return (Pair) proxyFactory.getProxy(Pair.class.getClassLoader());
	}

	@SyncedTopic
	static class Pair {

		private final int first;

		private final int second;

		Pair() {
			this(0, 0);
		}

		Pair(int first, int second) {
			this.first = first;
			this.second = second;
		}

		int first() {
			return this.first;
		}

		int second() {
			return this.second;
		}

		long whole() {
			return ((long) this.first << 32) | (this.second & 0xFFFFFFFFL);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Pair that && this.first == that.first && this.second == that.second;
		}

		@Override
		public int hashCode() {
			return 31 * this.first + this.second;
		}

		@Override
		public String toString() {
			return "Pair[" + this.first + "/" + this.second + "]";
		}

	}

}
