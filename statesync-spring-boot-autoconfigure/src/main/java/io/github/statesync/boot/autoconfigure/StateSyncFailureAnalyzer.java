package io.github.statesync.boot.autoconfigure;

import java.lang.reflect.Modifier;
import java.util.regex.Pattern;

import io.github.statesync.boot.bean.SyncedTopicInjectionException;
import io.github.statesync.boot.topic.MissingSnapshotMigrationException;
import io.github.statesync.boot.topic.StateSyncStartupException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Explains statesync start-up failures: a property that cannot work, a
 * {@code @SyncedTopic} bean that cannot be proxied but is injected directly, and required
 * topics that have no snapshot.
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
			if (cause instanceof MissingSnapshotMigrationException missing) {
				return new FailureAnalysis(missing.getMessage(),
						"Define a SnapshotMigration bean for topic '" + missing.getTopic() + "' from schema version "
								+ missing.getFromVersion() + " to " + (missing.getFromVersion() + 1)
								+ ", or declare a lower schema version for it (@SyncedTopic(schemaVersion) or "
								+ "'statesync.topics." + missing.getTopic() + ".schema-version'; see "
								+ "docs/schema-versions.md).",
						missing);
			}
			if (cause instanceof SyncedTopicInjectionException injection) {
				return injectionAnalysis(injection);
			}
			if (cause instanceof StateSyncStartupException startup) {
				String refusal = redisRefusal(startup.getMessage());
				return new FailureAnalysis(startup.getMessage(), (refusal != null) ? refusal
						: "Make sure the source of these topics is reachable and holds a snapshot (publish one), "
								+ "raise 'statesync.startup-timeout', or set 'statesync.topics.<topic>.required=false' "
								+ "to start on the bean's defaults.",
						startup);
			}
		}
		return null;
	}

	private static FailureAnalysis injectionAnalysis(SyncedTopicInjectionException injection) {
		String type = injection.getBeanType().getSimpleName();
		StringBuilder description = new StringBuilder("The @SyncedTopic bean '").append(injection.getBeanName())
			.append("' (topic '")
			.append(injection.getTopic())
			.append("') of type ")
			.append(injection.getBeanType().getName())
			.append(" cannot be updated in place: ")
			.append(injection.getBeanType().isRecord() ? "a record cannot be proxied."
					: Modifier.isFinal(injection.getBeanType().getModifiers()) ? "a final class cannot be proxied."
							: "it was proxied before statesync saw it.")
			.append(" These injection points receive it directly and would keep its first value forever:")
			.append(System.lineSeparator());
		for (String injectionPoint : injection.getInjectionPoints()) {
			description.append(System.lineSeparator()).append("    - ").append(injectionPoint);
		}
		String action = "Inject SyncedValue<" + type + "> instead (add @Qualifier(\"" + injection.getTopic()
				+ "\") when several topics share the type) and call get() once per unit of work, which returns the "
				+ "latest snapshot"
				+ (injection.getBeanType().isRecord() ? ""
						: "; or make " + type + " a non-final class with accessor methods, so that it can be proxied")
				+ ".";
		return new FailureAnalysis(description.toString(), action, injection);
	}

	/**
	 * Return what to fix when Redis refused statesync (the reason of each topic carries
	 * the first line of Redis's answer), or {@code null} if it did not.
	 */
	private static @Nullable String redisRefusal(@Nullable String description) {
		if (description == null) {
			return null;
		}
		if (answered(description, "WRONGPASS") || answered(description, "NOAUTH")) {
			return "Redis refused the credentials (WRONGPASS/NOAUTH): check 'spring.data.redis.username' and "
					+ "'spring.data.redis.password' (or the password in 'spring.data.redis.url') against the "
					+ "Redis ACL user (ACL LIST).";
		}
		if (answered(description, "NOPERM")) {
			return "Redis refused a command, key or channel to the ACL user (NOPERM): grant it a reader's rules, "
					+ "ACL SETUSER <user> +get +mget +subscribe +unsubscribe +ping %R~statesync:{*}:snapshot "
					+ "%R~statesync:{*}:revision &statesync:{*}:events, and a writer's too if it publishes "
					+ "(docs/security.md; with the prefix "
					+ "of 'statesync.redis.key-prefix'), or connect as another user ('spring.data.redis.username').";
		}
		if (answered(description, "OOM")) {
			return "Redis is full (OOM with maxmemory and the noeviction policy): raise its maxmemory or free "
					+ "memory; give statesync a Redis of its own rather than an evicting policy.";
		}
		if (answered(description, "READONLY")) {
			return "Redis answered READONLY: statesync is connected to a replica; point 'spring.data.redis.*' "
					+ "at the primary.";
		}
		return null;
	}

	/**
	 * Return whether Redis's answer with the given code is in the description: the code
	 * as a word of its own, followed by its text.
	 */
	private static boolean answered(String description, String code) {
		return Pattern.compile("\\b" + code + " ").matcher(description).find();
	}

}
