package io.github.statesync.boot;

import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.core.ResolvableType;
import org.springframework.core.ResolvableTypeProvider;

/**
 * Published after a snapshot of a topic was applied. It carries the type of the topic's
 * state, so a listener can take the type it wants and receives only the events of topics
 * of that type: <pre class="code">
 * &#64;EventListener
 * void onSettings(StateSyncAppliedEvent&lt;Settings&gt; event) {
 *     Settings settings = event.getValue();
 * }
 * </pre> A raw {@code StateSyncAppliedEvent} (or {@code StateSyncAppliedEvent<?>})
 * listener receives every topic's events.
 * <p>
 * Listeners run synchronously, before the apply returns: for a write by another node on a
 * statesync thread ({@code statesync-N}, the {@code SyncScheduler}'s), for this node's
 * own {@code StatePublisher} write on the thread that called {@code publish} (unless the
 * write's own invalidation got it applied first on a statesync thread). A slow listener
 * delays that topic's next apply.
 *
 * @param <T> the type of the topic's state
 * @author statesync
 * @since 0.1.0
 */
public class StateSyncAppliedEvent<T> extends ApplicationEvent implements ResolvableTypeProvider {

	private static final long serialVersionUID = 1L;

	// one type per value type: Spring's listener cache then finds it by identity, and
	// an apply does not build it again
	private static final ClassValue<ResolvableType> TYPES = new ClassValue<>() {

		@Override
		protected ResolvableType computeValue(Class<?> valueType) {
			return ResolvableType.forClassWithGenerics(StateSyncAppliedEvent.class, valueType);
		}

	};

	private final String topic;

	private final Revision previousRevision;

	private final Revision revision;

	private final transient @Nullable T previousValue;

	private final transient T value;

	private final Class<?> valueType;

	/**
	 * Create a new event whose value type is the class of the value.
	 * @param source the object publishing it
	 * @param topic the topic
	 * @param previousRevision the revision held before
	 * @param revision the revision applied
	 * @param previousValue the state held before ({@code null} if none)
	 * @param value the state applied
	 */
	public StateSyncAppliedEvent(Object source, String topic, Revision previousRevision, Revision revision,
			@Nullable T previousValue, T value) {
		this(source, topic, previousRevision, revision, previousValue, value, value.getClass());
	}

	/**
	 * Create a new event.
	 * @param source the object publishing it
	 * @param topic the topic
	 * @param previousRevision the revision held before
	 * @param revision the revision applied
	 * @param previousValue the state held before ({@code null} if none)
	 * @param value the state applied
	 * @param valueType the type of the topic's state, which listeners are matched by
	 */
	public StateSyncAppliedEvent(Object source, String topic, Revision previousRevision, Revision revision,
			@Nullable T previousValue, T value, Class<?> valueType) {
		super(source);
		this.topic = topic;
		this.previousRevision = previousRevision;
		this.revision = revision;
		this.previousValue = previousValue;
		this.value = value;
		this.valueType = valueType;
	}

	/**
	 * Return the topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the revision held before this apply.
	 * @return the previous revision
	 */
	public Revision getPreviousRevision() {
		return this.previousRevision;
	}

	/**
	 * Return the revision applied.
	 * @return the new revision
	 */
	public Revision getRevision() {
		return this.revision;
	}

	/**
	 * Return the state held before this apply.
	 * @return the previous state, {@code null} if there was none
	 */
	public @Nullable T getPreviousValue() {
		return this.previousValue;
	}

	/**
	 * Return the state applied.
	 * @return the new state
	 */
	public T getValue() {
		return this.value;
	}

	/**
	 * Return the type of the topic's state: the {@code @SyncedTopic} bean's class, the
	 * configured {@code statesync.topics.<name>.type}, or {@code JsonNode}.
	 * @return the value type
	 */
	public Class<?> getValueType() {
		return this.valueType;
	}

	/**
	 * Return {@code StateSyncAppliedEvent<valueType>}, which Spring matches listeners
	 * against; {@code null} (the class alone) for a subclass.
	 */
	@Override
	public @Nullable ResolvableType getResolvableType() {
		if (getClass() != StateSyncAppliedEvent.class) {
			return null;
		}
		return TYPES.get(this.valueType);
	}

}
