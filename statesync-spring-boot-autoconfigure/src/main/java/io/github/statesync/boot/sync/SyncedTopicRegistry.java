package io.github.statesync.boot.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.support.Credentials;
import io.github.statesync.boot.topic.BeanTopic;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncStatus;
import io.github.statesync.core.engine.TopicStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Every topic this application follows: its current value, the bean it came from and,
 * once started, its sync handle.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class SyncedTopicRegistry {

	private final Map<String, TopicValue<?>> values = new ConcurrentHashMap<>();

	private final Map<String, BeanTopic> beans = new ConcurrentHashMap<>();

	// the status of every topic not started yet: one for all of them
	private final SyncStatus initializing = new SyncStatus(TopicStatus.INITIALIZING, Instant.now(), null);

	/**
	 * Return the value of a topic, creating it empty on first use.
	 * @param topic the topic
	 * @return the value
	 */
	public SyncedValue<?> value(String topic) {
		return topicValue(topic);
	}

	/**
	 * Return the value of a topic, typed: the way to read topics declared in bulk by a
	 * {@link io.github.statesync.boot.StateSyncTopicGroup StateSyncTopicGroup}, which
	 * have no bean of their own. Once the topic started, its declared type is checked.
	 * @param <T> the type
	 * @param topic the topic
	 * @param type the type of the topic's state, or a supertype of it
	 * @return the value
	 * @throws IllegalArgumentException if the topic started with a type that is not a
	 * {@code type}
	 */
	@SuppressWarnings("unchecked")
	public <T> SyncedValue<T> value(String topic, Class<T> type) {
		TopicSettings topicSettings = settings(topic);
		if (topicSettings != null && !type.isAssignableFrom(topicSettings.type())) {
			throw new IllegalArgumentException(
					"Topic '" + topic + "' holds " + topicSettings.type().getName() + ", not " + type.getName());
		}
		return (SyncedValue<T>) topicValue(topic);
	}

	TopicValue<?> topicValue(String topic) {
		return this.values.computeIfAbsent(topic, (name) -> new TopicValue<>(name, this.initializing));
	}

	/**
	 * Return the sync handle of a topic.
	 * @param topic the topic
	 * @return the handle, or {@code null} if the topic is unknown or not started
	 */
	public @Nullable SyncHandle<JsonNode> handle(String topic) {
		TopicValue<?> value = this.values.get(topic);
		return (value != null) ? value.running() : null;
	}

	/**
	 * Return the handles of every started topic.
	 * @return the handles
	 */
	public Collection<SyncHandle<JsonNode>> handles() {
		List<SyncHandle<JsonNode>> handles = new ArrayList<>();
		for (TopicValue<?> value : this.values.values()) {
			SyncHandle<JsonNode> running = value.running();
			if (running != null) {
				handles.add(running);
			}
		}
		return Collections.unmodifiableList(handles);
	}

	/**
	 * Return the topics declared by beans.
	 * @return the bean topics
	 */
	public Collection<BeanTopic> beanTopics() {
		return List.copyOf(this.beans.values());
	}

	/**
	 * Return the bean that declared a topic.
	 * @param topic the topic
	 * @return the bean topic, or {@code null}
	 */
	public @Nullable BeanTopic beanTopic(String topic) {
		return this.beans.get(topic);
	}

	/**
	 * Return every known topic.
	 * @return the topic names
	 */
	public Set<String> topics() {
		return Set.copyOf(this.values.keySet());
	}

	/**
	 * Register a {@code @SyncedTopic} bean: its initial state becomes the topic's
	 * defaults (or, for a later instance of the bean, follows the current snapshot).
	 * @param bean the bean's topic as declared
	 * @param instance the bean instance, its initial state
	 * @param targetSource the target source behind the bean's proxy, or {@code null} if
	 * the bean cannot be proxied
	 * @throws IllegalStateException if another bean declared the same topic
	 */
	@SuppressWarnings("unchecked")
	public void registerBean(BeanTopic bean, Object instance, @Nullable SyncedTopicTargetSource targetSource) {
		BeanTopic existing = this.beans.putIfAbsent(bean.topic(), bean);
		if (existing != null && !existing.beanName().equals(bean.beanName())) {
			throw new IllegalStateException("Topic '" + bean.topic() + "' is declared by two @SyncedTopic beans, '"
					+ existing.beanName() + "' and '" + bean.beanName() + "'; a topic can sync into one bean only");
		}
		((TopicValue<Object>) topicValue(bean.topic())).initialize(instance, targetSource);
	}

	/**
	 * Return the settings a started topic runs with.
	 * @param topic the topic
	 * @return the settings, or {@code null} if the topic is unknown or not started
	 */
	public @Nullable TopicSettings settings(String topic) {
		TopicValue<?> value = this.values.get(topic);
		return (value != null) ? value.settings() : null;
	}

	/**
	 * Return whether start-up needs the topic's first snapshot.
	 * @param topic the topic
	 * @return {@code true} if the topic is required
	 */
	public boolean isRequired(String topic) {
		TopicSettings topicSettings = settings(topic);
		return topicSettings != null && topicSettings.required();
	}

	/**
	 * Return where a topic's snapshots come from.
	 * @param topic the topic
	 * @return {@code store}, or the owning service's URL, its credentials masked
	 */
	public String providerOf(String topic) {
		TopicSettings topicSettings = settings(topic);
		return (topicSettings != null && topicSettings.restUrl() != null) ? Credentials.mask(topicSettings.restUrl())
				: "store";
	}

	void registerHandle(SyncHandle<JsonNode> handle, TopicSettings topicSettings, TopicApplier applier) {
		topicValue(handle.topic()).register(handle, topicSettings, applier);
	}

	/**
	 * Return the applier of a started topic, whose rules a publish must pass.
	 * @param topic the topic
	 * @return the applier, or {@code null} if the topic is unknown or not started
	 */
	@Nullable TopicApplier applier(String topic) {
		TopicValue<?> value = this.values.get(topic);
		return (value != null) ? value.applier() : null;
	}

	void removeHandle(SyncHandle<JsonNode> handle) {
		TopicValue<?> value = this.values.get(handle.topic());
		if (value != null) {
			value.unregister(handle);
		}
	}

}
