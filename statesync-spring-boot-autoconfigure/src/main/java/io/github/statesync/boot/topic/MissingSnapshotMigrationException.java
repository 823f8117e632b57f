package io.github.statesync.boot.topic;

/**
 * A topic declares a schema version that this node cannot reach from an older one: no
 * {@link io.github.statesync.boot.SnapshotMigration} bean upgrades the topic's data from
 * one version to the next. Start-up fails, since the node could not read snapshots its
 * older peers write.
 *
 * @author statesync
 * @since 0.1.0
 */
public class MissingSnapshotMigrationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String topic;

	private final int fromVersion;

	private final int declaredVersion;

	/**
	 * Create a new exception.
	 * @param topic the topic
	 * @param fromVersion the version no step upgrades
	 * @param declaredVersion the version the topic declares
	 */
	public MissingSnapshotMigrationException(String topic, int fromVersion, int declaredVersion) {
		super("Topic '" + topic + "' declares schema version " + declaredVersion + " but no SnapshotMigration bean "
				+ "upgrades its data from version " + fromVersion + " to " + (fromVersion + 1)
				+ ", so this node could not read snapshots of version " + fromVersion
				+ " that older nodes still write. Define a SnapshotMigration bean for topic '" + topic
				+ "' with fromVersion " + fromVersion + " (SnapshotMigration.of(\"" + topic + "\", " + fromVersion
				+ ", data -> ...)), or declare a lower version (@SyncedTopic(schemaVersion) or 'statesync.topics."
				+ topic + ".schema-version')");
		this.topic = topic;
		this.fromVersion = fromVersion;
		this.declaredVersion = declaredVersion;
	}

	/**
	 * Return the topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the version no step upgrades.
	 * @return the version a missing step would read
	 */
	public int getFromVersion() {
		return this.fromVersion;
	}

	/**
	 * Return the version the topic declares.
	 * @return the declared version
	 */
	public int getDeclaredVersion() {
		return this.declaredVersion;
	}

}
