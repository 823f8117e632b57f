package io.github.statesync.boot;

import java.util.Objects;
import java.util.function.UnaryOperator;

import tools.jackson.databind.JsonNode;

/**
 * One step of a topic's schema history: turns snapshot data of version
 * {@link #fromVersion() N} into data of version N+1, as a JSON tree, before it binds to
 * the topic's type. Declare one bean per step; a node whose topic declares version V (see
 * {@link SyncedTopic#schemaVersion()}) runs the steps from the snapshot's version up to
 * V, one after the other, on every snapshot older than V it reads: fetched, carried
 * inline or restored from the last-known-good file. A node fails to start when a step it
 * would need is missing.
 * <p>
 * A step is a pure function of the data: it runs on every node that reads an older
 * snapshot, possibly many times, and must give the same result each time. It may change
 * and return the tree it is given (a copy of the snapshot's) or return a new one. A step
 * that throws refuses the snapshot like data that does not bind: reported with the
 * {@code APPLY} phase, and the node keeps its state.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface SnapshotMigration {

	/**
	 * The topic this step belongs to: its exact name, or a pattern ending in {@code *}
	 * that matches every topic starting with what comes before it ({@code pricing:*}, or
	 * {@code *} for all). For one topic and version a step naming the topic exactly wins
	 * over patterns, and the longest pattern over shorter ones.
	 * @return the topic or topic pattern
	 */
	String topic();

	/**
	 * The version this step reads; it writes the next one.
	 * @return the version, 1 or more
	 */
	int fromVersion();

	/**
	 * Turn data of {@link #fromVersion()} into data of the next version.
	 * @param data the snapshot's data at {@link #fromVersion()}; a copy this step may
	 * change
	 * @return the data at the next version
	 */
	JsonNode migrate(JsonNode data);

	/**
	 * Create a step from a function.
	 * @param topic the topic or topic pattern (see {@link #topic()})
	 * @param fromVersion the version the step reads, 1 or more
	 * @param step turns data of {@code fromVersion} into data of the next version
	 * @return the step
	 * @throws IllegalArgumentException if the topic is blank or the version below 1
	 */
	static SnapshotMigration of(String topic, int fromVersion, UnaryOperator<JsonNode> step) {
		if (topic == null || topic.isBlank()) {
			throw new IllegalArgumentException("topic of a SnapshotMigration must not be blank");
		}
		if (fromVersion < 1) {
			throw new IllegalArgumentException("fromVersion of the SnapshotMigration of topic '" + topic
					+ "' must be 1 or more, was " + fromVersion);
		}
		Objects.requireNonNull(step, "step must not be null");
		return new SnapshotMigration() {

			@Override
			public String topic() {
				return topic;
			}

			@Override
			public int fromVersion() {
				return fromVersion;
			}

			@Override
			public JsonNode migrate(JsonNode data) {
				return step.apply(data);
			}

			@Override
			public String toString() {
				return "SnapshotMigration[topic=" + topic + ", " + fromVersion + " -> " + (fromVersion + 1) + "]";
			}

		};
	}

}
