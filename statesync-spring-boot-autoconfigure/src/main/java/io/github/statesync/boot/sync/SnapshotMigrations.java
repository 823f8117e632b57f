package io.github.statesync.boot.sync;

import java.util.ArrayList;
import java.util.List;

import io.github.statesync.boot.SnapshotMigration;
import io.github.statesync.boot.topic.MissingSnapshotMigrationException;
import io.github.statesync.boot.topic.SnapshotRejectedException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Every {@link SnapshotMigration} of the application, and the one place that picks the
 * step for a topic and version and runs a chain of them.
 *
 * @author statesync
 */
final class SnapshotMigrations {

	static final SnapshotMigrations NONE = new SnapshotMigrations(List.of());

	private final List<SnapshotMigration> steps;

	SnapshotMigrations(List<SnapshotMigration> steps) {
		for (SnapshotMigration step : steps) {
			if (step.topic() == null || step.topic().isBlank() || step.fromVersion() < 1) {
				throw new IllegalArgumentException(
						"SnapshotMigration " + step + " must name a topic or pattern and a fromVersion of 1 or more");
			}
		}
		this.steps = List.copyOf(steps);
	}

	/**
	 * Check that data of every version below the declared one can be upgraded to it.
	 * @throws MissingSnapshotMigrationException naming the first missing step
	 * @throws IllegalStateException if two steps of the same precedence compete
	 */
	void requireSteps(String topic, int declaredVersion) {
		for (int version = 1; version < declaredVersion; version++) {
			if (step(topic, version) == null) {
				throw new MissingSnapshotMigrationException(topic, version, declaredVersion);
			}
		}
	}

	/**
	 * Upgrade data from its version to the declared one, step by step.
	 * @throws SnapshotRejectedException if a step is missing or fails
	 */
	JsonNode upgrade(String topic, JsonNode data, int fromVersion, int toVersion) {
		JsonNode current = data.deepCopy();
		for (int version = fromVersion; version < toVersion; version++) {
			SnapshotMigration step = step(topic, version);
			if (step == null) {
				throw new SnapshotRejectedException("snapshot of topic '" + topic + "' has schema version "
						+ fromVersion + " and this node reads version " + toVersion
						+ ", but no SnapshotMigration upgrades version " + version + " to " + (version + 1)
						+ ": define one for topic '" + topic + "' with fromVersion " + version);
			}
			try {
				current = step.migrate(current);
			}
			catch (RuntimeException ex) {
				throw new SnapshotRejectedException("snapshot of topic '" + topic + "' of schema version " + fromVersion
						+ " could not be migrated to version " + toVersion + ": the step from version " + version
						+ " to " + (version + 1) + " failed: " + ex, ex);
			}
			if (current == null) {
				throw new SnapshotRejectedException(
						"snapshot of topic '" + topic + "': the SnapshotMigration from " + "version " + version + " to "
								+ (version + 1) + " returned null; return the data, " + "or a NullNode for JSON null");
			}
		}
		return current;
	}

	/**
	 * The step for a topic and version: the one naming the topic exactly, else the one
	 * with the longest matching pattern.
	 */
	@Nullable SnapshotMigration step(String topic, int fromVersion) {
		List<SnapshotMigration> best = new ArrayList<>();
		int bestRank = -1;
		for (SnapshotMigration step : this.steps) {
			if (step.fromVersion() != fromVersion) {
				continue;
			}
			int rank = rank(step.topic(), topic);
			if (rank < 0 || rank < bestRank) {
				continue;
			}
			if (rank > bestRank) {
				best.clear();
				bestRank = rank;
			}
			best.add(step);
		}
		if (best.size() > 1) {
			throw new IllegalStateException("Topic '" + topic + "' has " + best.size()
					+ " SnapshotMigration beans from schema version " + fromVersion + " to " + (fromVersion + 1)
					+ " that match it equally (" + best + "): keep one, or name the topic exactly in one of them");
		}
		return best.isEmpty() ? null : best.get(0);
	}

	/**
	 * How well a step's topic matches: {@code Integer.MAX_VALUE} for the exact name, the
	 * prefix's length for a matching pattern, {@code -1} for no match.
	 */
	private static int rank(String pattern, String topic) {
		if (pattern.equals(topic)) {
			return Integer.MAX_VALUE;
		}
		if (pattern.endsWith("*")) {
			String prefix = pattern.substring(0, pattern.length() - 1);
			return topic.startsWith(prefix) ? prefix.length() : -1;
		}
		return -1;
	}

}
