package io.github.statesync.benchmarks.reader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.github.statesync.benchmarks.support.ClusterTarget;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.github.statesync.boot.StateSyncAppliedEvent;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.core.engine.SyncListener;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A running reader application: one Spring Boot context with its own Redis connection
 * factory and Lettuce client resources (Boot creates both per context), started with
 * {@link SpringApplicationBuilder}.
 *
 * @author statesync
 */
public final class ReaderContext implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private ReaderContext(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Start describing a reader.
	 * @param redis the server
	 * @param name the reader's application name
	 * @return a builder
	 */
	public static Builder builder(RedisTarget redis, String name) {
		return new Builder(redis, name);
	}

	/**
	 * Return the reader's topic registry (the values and engines of its topics).
	 * @return the registry
	 */
	public SyncedTopicRegistry topics() {
		return this.context.getBean(SyncedTopicRegistry.class);
	}

	/**
	 * Return the reader's bean of the given type.
	 * @param <T> the type
	 * @param type the type
	 * @return the bean
	 */
	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * Describes a reader to start.
	 */
	public static final class Builder {

		private final Map<String, Object> properties = new LinkedHashMap<>();

		private final List<Class<?>> sources = new ArrayList<>(List.of(ReaderApplication.class));

		private @Nullable Consumer<StateSyncAppliedEvent> applied;

		private @Nullable SyncListener listener;

		private Builder(RedisTarget redis, String name) {
			this.properties.put("spring.application.name", name);
			this.properties.put("spring.main.banner-mode", "off");
			this.properties.put("spring.main.log-startup-info", "false");
			this.properties.put("spring.data.redis.host", redis.host());
			this.properties.put("spring.data.redis.port", redis.port());
		}

		/**
		 * Read from a Redis Cluster instead of the single server.
		 * @param cluster the cluster, and how invalidations travel on it
		 * @return this builder
		 */
		public Builder cluster(ClusterTarget cluster) {
			this.properties.putAll(cluster.readerProperties());
			return this;
		}

		/**
		 * Sync the {@code @SyncedTopic} bean of {@link BenchTopicConfiguration}.
		 * @return this builder
		 */
		public Builder withTopicBean() {
			this.sources.add(BenchTopicConfiguration.class);
			return this;
		}

		/**
		 * Add a configuration source (a configuration class).
		 * @param source the class
		 * @return this builder
		 */
		public Builder source(Class<?> source) {
			this.sources.add(source);
			return this;
		}

		/**
		 * Set a property, as {@code application.yml} would.
		 * @param name the property
		 * @param value its value
		 * @return this builder
		 */
		public Builder property(String name, Object value) {
			this.properties.put(name, value);
			return this;
		}

		/**
		 * Receive every {@link StateSyncAppliedEvent}.
		 * @param consumer called on the applying thread
		 * @return this builder
		 */
		public Builder onApplied(Consumer<StateSyncAppliedEvent> consumer) {
			this.applied = consumer;
			return this;
		}

		/**
		 * Register a {@link SyncListener} bean, which observes every topic.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder syncListener(SyncListener listener) {
			this.listener = listener;
			return this;
		}

		/**
		 * Start the reader; required topics have their first snapshot when this returns.
		 * @return the running reader
		 */
		public ReaderContext start() {
			SpringApplicationBuilder application = new SpringApplicationBuilder(this.sources.toArray(Class<?>[]::new))
				.web(WebApplicationType.NONE)
				.properties(this.properties);
			if (this.applied != null) {
				application.listeners(new AppliedListener(this.applied));
			}
			SyncListener syncListener = this.listener;
			if (syncListener != null) {
				application.initializers(
						(context) -> context.getBeanFactory().registerSingleton("benchmarkSyncListener", syncListener));
			}
			return new ReaderContext(application.run());
		}

	}

}
