package io.github.statesync.boot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import tools.jackson.databind.JsonNode;

/**
 * Many topics followed alike, declared in code by one bean: the way to follow thousands
 * of topics (one per tenant, region or product) without a property or a bean definition
 * per topic. Define it as a {@code @Bean}; every topic of every group starts with the
 * others, and reads as {@code registry.value(topic, type)} on the
 * {@link io.github.statesync.boot.sync.SyncedTopicRegistry SyncedTopicRegistry}.
 *
 * <pre class="code">
 * &#64;Bean
 * StateSyncTopicGroup&lt;TenantFlags&gt; tenantFlags(TenantDirectory tenants) {
 *     return StateSyncTopicGroup.builder("tenant-flags", TenantFlags.class)
 *         .topics(tenants.ids().stream().map((id) -&gt; "flags:" + id).toList())
 *         .required(true)
 *         .build();
 * }
 * </pre>
 *
 * A group plays the part {@code @SyncedTopic} plays for one bean: it names the topics'
 * type and whether start-up waits for them; every other setting comes from
 * {@code statesync.defaults.*}, then from {@code statesync.topics.<topic>.*} for a topic
 * that needs its own, and {@code StateSyncTopicCustomizer} beans have the last word, per
 * topic. A topic belongs to one group at most and is not also declared by a
 * {@code @SyncedTopic} bean.
 *
 * @param <T> the type of every topic's state
 * @author statesync
 * @since 0.1.0
 */
public final class StateSyncTopicGroup<T> {

	private final String name;

	private final Class<T> type;

	private final List<String> topics;

	private final boolean required;

	private StateSyncTopicGroup(String name, Class<T> type, List<String> topics, boolean required) {
		this.name = name;
		this.type = type;
		this.topics = topics;
		this.required = required;
	}

	/**
	 * Start describing a group of topics whose state is a JSON tree.
	 * @param name the group's name, shown in error messages
	 * @return a builder
	 */
	public static Builder<JsonNode> builder(String name) {
		return builder(name, JsonNode.class);
	}

	/**
	 * Start describing a group of topics whose state binds to a type.
	 * @param <T> the type
	 * @param name the group's name, shown in error messages
	 * @param type the type every topic's snapshot binds to (a record, a class with a
	 * default constructor, or {@link JsonNode})
	 * @return a builder
	 */
	public static <T> Builder<T> builder(String name, Class<T> type) {
		return new Builder<>(name, type);
	}

	/**
	 * Return the group's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the type of every topic's state.
	 * @return the type
	 */
	public Class<T> type() {
		return this.type;
	}

	/**
	 * Return the topics, in the order they were added.
	 * @return the topic names, unmodifiable
	 */
	public List<String> topics() {
		return this.topics;
	}

	/**
	 * Return whether start-up needs every topic's first snapshot, unless
	 * {@code statesync.defaults.required} or the topic's own property says otherwise.
	 * @return whether the topics are required
	 */
	public boolean required() {
		return this.required;
	}

	@Override
	public String toString() {
		return "StateSyncTopicGroup[name=" + this.name + ", type=" + this.type.getName() + ", topics="
				+ this.topics.size() + ", required=" + this.required + "]";
	}

	/**
	 * Describes a {@link StateSyncTopicGroup}.
	 *
	 * @param <T> the type of every topic's state
	 */
	public static final class Builder<T> {

		private final String name;

		private final Class<T> type;

		private final List<String> topics = new ArrayList<>();

		private boolean required;

		private Builder(String name, Class<T> type) {
			this.name = Objects.requireNonNull(name, "name must not be null");
			this.type = Objects.requireNonNull(type, "type must not be null");
		}

		/**
		 * Add topics.
		 * @param topics the topic names
		 * @return this builder
		 */
		public Builder<T> topics(Collection<String> topics) {
			this.topics.addAll(topics);
			return this;
		}

		/**
		 * Add topics.
		 * @param topics the topic names
		 * @return this builder
		 */
		public Builder<T> topics(String... topics) {
			return topics(List.of(topics));
		}

		/**
		 * Set whether start-up needs every topic's first snapshot (a required topic
		 * without one fails start-up, and health is down while it has none). Off by
		 * default.
		 * @param required whether the topics are required
		 * @return this builder
		 */
		public Builder<T> required(boolean required) {
			this.required = required;
			return this;
		}

		/**
		 * Build the group. Topic names are checked when the application starts, with the
		 * others.
		 * @return the group
		 */
		public StateSyncTopicGroup<T> build() {
			return new StateSyncTopicGroup<>(this.name, this.type, List.copyOf(this.topics), this.required);
		}

	}

}
