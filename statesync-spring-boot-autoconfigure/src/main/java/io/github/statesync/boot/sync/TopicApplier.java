package io.github.statesync.boot.sync;

import java.util.LinkedHashSet;
import java.util.Set;

import io.github.statesync.boot.ApplyMode;
import io.github.statesync.boot.StateSyncAppliedEvent;
import io.github.statesync.boot.topic.SnapshotRejectedException;
import io.github.statesync.boot.topic.SnapshotValidator;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotApplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TreeNode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Validate, then swap: binds a snapshot into a new object of the topic's type, validates
 * it, and only then makes it current. A snapshot that does not bind or validate throws,
 * so the engine reports it (phase {@code APPLY}) and the last good state stays. After a
 * swap an {@link StateSyncAppliedEvent} is published.
 *
 * @author statesync
 * @since 0.1.0
 */
final class TopicApplier implements SnapshotApplier<JsonNode> {

	private static final Logger logger = LoggerFactory.getLogger(TopicApplier.class);

	private final TopicSettings settings;

	private final TopicValue<Object> value;

	private final boolean bean;

	private final JsonMapper mapper;

	private final @Nullable SnapshotValidator validator;

	private final ApplicationEventPublisher events;

	private final SnapshotMigrations migrations;

	// the keys the type's serializer can write, found on the first bind of a bean topic
	private volatile @Nullable WritableKeys writableKeys;

	// the reader of the topic's type, made on the first bind of an object
	private volatile @Nullable ObjectReader reader;

	// REPLACE's defaults as a tree, written on the first merge that needs them
	private volatile @Nullable DefaultsTree defaultsTree;

	TopicApplier(TopicSettings settings, TopicValue<?> value, boolean bean, JsonMapper mapper,
			@Nullable SnapshotValidator validator, ApplicationEventPublisher events) {
		this(settings, value, bean, mapper, validator, events, SnapshotMigrations.NONE);
	}

	@SuppressWarnings("unchecked")
	TopicApplier(TopicSettings settings, TopicValue<?> value, boolean bean, JsonMapper mapper,
			@Nullable SnapshotValidator validator, ApplicationEventPublisher events, SnapshotMigrations migrations) {
		this.migrations = migrations;
		this.settings = settings;
		this.value = (TopicValue<Object>) value;
		this.bean = bean;
		this.mapper = mapper;
		this.validator = validator;
		this.events = events;
	}

	@Override
	public void apply(SnapshotEnvelope<JsonNode> snapshot) {
		Object previous = this.value.get();
		Revision previousRevision = this.value.revision();
		Object candidate = candidate(readable(snapshot), previous);
		this.value.swap(snapshot.revision(), candidate);
		try {
			this.events.publishEvent(new StateSyncAppliedEvent<>(this, this.settings.topic(), previousRevision,
					snapshot.revision(), previous, candidate, this.settings.type()));
		}
		catch (RuntimeException ex) {
			// the snapshot is applied; a failing listener must not undo or repeat it
			logger.warn("A listener of StateSyncAppliedEvent for topic '{}' failed: {}", this.settings.topic(),
					ex.toString());
		}
	}

	/**
	 * Return the snapshot's data in this node's schema version: as it is when the
	 * versions match, upgraded step by step when it is older, refused when it is newer
	 * (this node cannot know what a newer writer meant; it keeps its state until it runs
	 * the newer version, and the refusal is reported like any failed apply).
	 */
	private JsonNode readable(SnapshotEnvelope<JsonNode> snapshot) {
		int declared = this.settings.schemaVersion();
		int version = snapshot.schemaVersion();
		JsonNode data = snapshot.data();
		if (version == declared) {
			return data;
		}
		String topic = this.settings.topic();
		if (version > declared) {
			throw new SnapshotRejectedException(
					"snapshot of topic '" + topic + "' at revision " + snapshot.revision() + " has schema version "
							+ version + ", newer than version " + declared + " this node reads; it keeps revision "
							+ this.value.revision() + ". Deploy the application version that declares schema version "
							+ version + " to this node (@SyncedTopic(schemaVersion) or 'statesync.topics." + topic
							+ ".schema-version'), and in a rolling deployment update every reader before any writer of "
							+ "version " + version);
		}
		return this.migrations.upgrade(topic, (data != null) ? data : NullNode.getInstance(), version, declared);
	}

	/**
	 * Check data as every reader would before applying it: bound to the topic's type
	 * (merged into the current state as the apply mode, picked and omitted keys say) and
	 * validated. The writer calls this before anything reaches the transport.
	 * @param data the snapshot data
	 * @return the state readers would swap in, never applied here
	 * @throws SnapshotRejectedException if readers would refuse the data
	 */
	Object check(JsonNode data) {
		return candidate(data, this.value.get());
	}

	/**
	 * Check a stored snapshot as this node would apply it: in this node's schema version
	 * (older data migrated, newer data refused), bound and validated. The writer calls
	 * this for the state a publish replaces when it holds none itself.
	 * @param snapshot the stored snapshot
	 * @return the state readers would swap in, never applied here
	 * @throws SnapshotRejectedException if readers would refuse the snapshot
	 */
	Object checkStored(SnapshotEnvelope<JsonNode> snapshot) {
		return candidate(readable(snapshot), this.value.get());
	}

	private Object candidate(JsonNode data, @Nullable Object current) {
		Object candidate = bind(data, current);
		if (this.validator != null) {
			this.validator.validate(this.settings.topic(), candidate);
		}
		return candidate;
	}

	private Object bind(JsonNode data, @Nullable Object current) {
		Class<?> type = this.settings.type();
		try {
			if (!this.bean || current == null) {
				return (type == JsonNode.class) ? data.deepCopy() : read(data, type);
			}
			if (!data.isObject()) {
				throw new SnapshotRejectedException("snapshot of topic '" + this.settings.topic()
						+ "' must be a JSON object to bind to " + type.getName() + ", was " + data.getNodeType());
			}
			return read(replacesEverything(data, current) ? data : merge(data, current), type);
		}
		catch (JacksonException ex) {
			throw new SnapshotRejectedException("snapshot of topic '" + this.settings.topic() + "' does not bind to "
					+ type.getName() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Bind a tree to the topic's type as {@code treeToValue} does, an object through a
	 * reader made once: it holds the type and its deserializer, which {@code treeToValue}
	 * looks up on every call.
	 */
	private Object read(JsonNode data, Class<?> type) {
		if (!data.isObject() || TreeNode.class.isAssignableFrom(type)) {
			// treeToValue's own shortcuts (a tree type, an embedded object) stay its own
			return this.mapper.treeToValue(data, type);
		}
		ObjectReader known = this.reader;
		if (known == null) {
			known = this.mapper.readerFor(type);
			this.reader = known;
		}
		return known.readValue(data);
	}

	/**
	 * Merge the snapshot's synced properties into the current state's tree: what the
	 * snapshot carries wins; what it lacks keeps the current value ({@code PATCH}) or
	 * takes the default ({@code REPLACE}); properties that are not synced keep the
	 * current value.
	 */
	private ObjectNode merge(JsonNode data, Object current) {
		ObjectNode merged = this.mapper.valueToTree(current);
		ObjectNode defaults = (this.settings.mode() == ApplyMode.REPLACE) ? defaultsTree() : null;
		Set<String> keys = new LinkedHashSet<>(merged.propertyNames());
		keys.addAll(data.propertyNames());
		for (String key : keys) {
			if (!isSynced(key)) {
				continue;
			}
			JsonNode incoming = data.get(key);
			if (incoming != null) {
				merged.set(key, incoming);
			}
			else if (defaults != null) {
				JsonNode fallback = defaults.get(key);
				if (fallback != null) {
					merged.set(key, fallback);
				}
				else {
					merged.remove(key);
				}
			}
		}
		return merged;
	}

	/**
	 * Return whether the snapshot carries a value for every property the current state
	 * can write, and syncs every property it carries: then the merge takes each of its
	 * properties from the snapshot and none from the current state or the defaults, and
	 * the snapshot binds as it is. Only the order in which the bean's properties are set
	 * can differ (the merge keeps the current state's order for the properties it wrote),
	 * which matters only to setters that read other properties.
	 */
	private boolean replacesEverything(JsonNode data, Object current) {
		if (current.getClass() != this.settings.type()) {
			// a subclass, or an already proxied bean: written by another serializer
			return false;
		}
		Set<String> writable = writableKeys();
		if (writable == null) {
			return false;
		}
		for (String key : writable) {
			if (!data.has(key)) {
				return false;
			}
		}
		if (!this.settings.pickKeys().isEmpty() || !this.settings.omitKeys().isEmpty()) {
			for (String key : data.propertyNames()) {
				if (!isSynced(key)) {
					return false;
				}
			}
		}
		return true;
	}

	private @Nullable Set<String> writableKeys() {
		WritableKeys known = this.writableKeys;
		if (known == null) {
			known = new WritableKeys(WritableProperties.of(this.mapper, this.settings.type()));
			this.writableKeys = known;
		}
		return known.keys();
	}

	/**
	 * Return the tree of the defaults, written once per defaults object: the defaults are
	 * the bean's initial state, never mutated by the applier, and the tree is only read.
	 */
	private ObjectNode defaultsTree() {
		Object defaults = this.value.defaults();
		DefaultsTree known = this.defaultsTree;
		if (known == null || known.defaults() != defaults) {
			known = new DefaultsTree(defaults, this.mapper.valueToTree(defaults));
			this.defaultsTree = known;
		}
		return known.tree();
	}

	private boolean isSynced(String key) {
		return (this.settings.pickKeys().isEmpty() || this.settings.pickKeys().contains(key))
				&& !this.settings.omitKeys().contains(key);
	}

	/**
	 * The keys a bean type writes, {@code null} when they are not known in advance.
	 */
	private record WritableKeys(@Nullable Set<String> keys) {
	}

	private record DefaultsTree(@Nullable Object defaults, ObjectNode tree) {
	}

}
