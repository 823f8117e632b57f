package io.github.statesync.boot.topic;

import java.net.URI;
import java.util.Set;

import io.github.statesync.boot.ApplyMode;
import io.github.statesync.core.engine.SyncOptions;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.jspecify.annotations.Nullable;

/**
 * Everything that decides how one topic syncs, resolved from the annotation, the
 * properties and the customizers, and validated.
 *
 * @param topic the topic
 * @param type the type of the topic's state
 * @param options the engine options
 * @param required whether start-up needs the first snapshot
 * @param mode how snapshots are applied to a bean
 * @param pickKeys the only properties to sync, empty for all
 * @param omitKeys the properties never to sync
 * @param restUrl the owning service's base URL when snapshots come over HTTP, else
 * {@code null}
 * @param maxPayloadBytes the largest accepted payload
 * @param inlineMaxBytes the largest data a publish carries inside its invalidation,
 * {@code 0} for never
 * @param lastKnownGood whether applied snapshots are archived and restored when the
 * source is unreachable at start
 * @param restAuthentication how the REST provider authenticates to the owning service, or
 * {@code null} for not at all
 * @param schemaVersion the version of the topic's schema this node reads and writes, 1 or
 * more: older snapshots are migrated up to it, newer ones refused
 * @author statesync
 * @since 0.1.0
 */
public record TopicSettings(String topic, Class<?> type, SyncOptions options, boolean required, ApplyMode mode,
		Set<String> pickKeys, Set<String> omitKeys, @Nullable URI restUrl, int maxPayloadBytes, int inlineMaxBytes,
		boolean lastKnownGood, @Nullable RestAuthentication restAuthentication, int schemaVersion) {

	/**
	 * Create settings, validating the schema version.
	 * @throws IllegalArgumentException if the schema version is below 1
	 */
	public TopicSettings {
		if (schemaVersion < SnapshotEnvelope.UNVERSIONED) {
			throw new IllegalArgumentException(
					"schema version of topic '" + topic + "' must be 1 or more, was " + schemaVersion);
		}
	}

	/**
	 * Create settings of schema version 1.
	 * @param topic the topic
	 * @param type the type of the topic's state
	 * @param options the engine options
	 * @param required whether start-up needs the first snapshot
	 * @param mode how snapshots are applied to a bean
	 * @param pickKeys the only properties to sync, empty for all
	 * @param omitKeys the properties never to sync
	 * @param restUrl the owning service's base URL when snapshots come over HTTP, else
	 * {@code null}
	 * @param maxPayloadBytes the largest accepted payload
	 * @param inlineMaxBytes the largest data a publish carries inside its invalidation,
	 * {@code 0} for never
	 * @param lastKnownGood whether applied snapshots are archived and restored when the
	 * source is unreachable at start
	 * @param restAuthentication how the REST provider authenticates to the owning
	 * service, or {@code null} for not at all
	 */
	public TopicSettings(String topic, Class<?> type, SyncOptions options, boolean required, ApplyMode mode,
			Set<String> pickKeys, Set<String> omitKeys, @Nullable URI restUrl, int maxPayloadBytes, int inlineMaxBytes,
			boolean lastKnownGood, @Nullable RestAuthentication restAuthentication) {
		this(topic, type, options, required, mode, pickKeys, omitKeys, restUrl, maxPayloadBytes, inlineMaxBytes,
				lastKnownGood, restAuthentication, SnapshotEnvelope.UNVERSIONED);
	}

	/**
	 * Create settings without REST authentication.
	 * @param topic the topic
	 * @param type the type of the topic's state
	 * @param options the engine options
	 * @param required whether start-up needs the first snapshot
	 * @param mode how snapshots are applied to a bean
	 * @param pickKeys the only properties to sync, empty for all
	 * @param omitKeys the properties never to sync
	 * @param restUrl the owning service's base URL when snapshots come over HTTP, else
	 * {@code null}
	 * @param maxPayloadBytes the largest accepted payload
	 * @param inlineMaxBytes the largest data a publish carries inside its invalidation,
	 * {@code 0} for never
	 * @param lastKnownGood whether applied snapshots are archived and restored when the
	 * source is unreachable at start
	 */
	public TopicSettings(String topic, Class<?> type, SyncOptions options, boolean required, ApplyMode mode,
			Set<String> pickKeys, Set<String> omitKeys, @Nullable URI restUrl, int maxPayloadBytes, int inlineMaxBytes,
			boolean lastKnownGood) {
		this(topic, type, options, required, mode, pickKeys, omitKeys, restUrl, maxPayloadBytes, inlineMaxBytes,
				lastKnownGood, null, SnapshotEnvelope.UNVERSIONED);
	}

}
