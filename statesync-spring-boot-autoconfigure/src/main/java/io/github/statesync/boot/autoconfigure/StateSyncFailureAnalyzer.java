package io.github.statesync.boot.autoconfigure;

import io.github.statesync.boot.topic.StateSyncStartupException;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains statesync start-up failures: a property that cannot work, and required topics
 * that have no snapshot.
 *
 * @author statesync
 * @since 0.1.0
 */
final class StateSyncFailureAnalyzer implements FailureAnalyzer {

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidStateSyncConfigurationException invalid) {
				return new FailureAnalysis(
						"Invalid statesync configuration:" + System.lineSeparator() + System.lineSeparator()
								+ "    Property: " + invalid.getProperty() + System.lineSeparator() + "    Value: "
								+ invalid.getValue() + System.lineSeparator() + "    Reason: " + invalid.getReason(),
						"Update your application's configuration: fix '" + invalid.getProperty() + "'.", invalid);
			}
			if (cause instanceof StateSyncStartupException startup) {
				return new FailureAnalysis(startup.getMessage(),
						"Make sure the source of these topics is reachable and holds a snapshot (publish one), "
								+ "raise 'statesync.startup-timeout', or set 'statesync.topics.<topic>.required=false' "
								+ "to start on the bean's defaults.",
						startup);
			}
		}
		return null;
	}

}
