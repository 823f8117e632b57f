package io.github.statesync.boot.sync;

import java.util.Locale;

import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.WriteReceipt;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One structured line per write, on the logger {@value #LOGGER}: logfmt text
 * ({@code key=value}, values with spaces or quotes quoted) that reads well in a plain
 * log, and the same facts as key-value pairs for structured logging (ECS, Logstash).
 *
 * @author statesync
 */
final class AuditLog {

	static final String LOGGER = "io.github.statesync.audit";

	private static final Logger logger = LoggerFactory.getLogger(LOGGER);

	private AuditLog() {
	}

	static void written(String topic, HistoryEntry.Operation operation, @Nullable Revision expected,
			WriteReceipt receipt, @Nullable String nodeId, @Nullable String principal, @Nullable Revision rollbackOf) {
		if (!logger.isInfoEnabled()) {
			return;
		}
		String outcome = receipt.published() ? "written" : "conflict";
		Revision previous = receipt.previousRevision();
		StringBuilder line = new StringBuilder("statesync audit:");
		LoggingEventBuilder event = logger.atInfo();
		event = add(line, event, "operation", operation.name().toLowerCase(Locale.ROOT).replace('_', '-'));
		event = add(line, event, "outcome", outcome);
		event = add(line, event, "topic", topic);
		event = add(line, event, "revision", receipt.published() ? receipt.revision().toString() : "-");
		event = add(line, event, "previous", receipt.published() ? text(previous) : receipt.revision().toString());
		if (expected != null) {
			event = add(line, event, "expected", expected.toString());
		}
		if (rollbackOf != null) {
			event = add(line, event, "rollback-of", rollbackOf.toString());
		}
		event = add(line, event, "node", (nodeId != null) ? nodeId : "-");
		event = add(line, event, "principal", (principal != null) ? principal : "-");
		event = add(line, event, "size", Long.toString(receipt.size()));
		event = add(line, event, "digest", receipt.digest());
		event.log(line.toString());
	}

	private static String text(@Nullable Revision revision) {
		return (revision != null) ? revision.toString() : "?";
	}

	private static LoggingEventBuilder add(StringBuilder line, LoggingEventBuilder event, String key, String value) {
		line.append(' ').append(key).append('=').append(quoted(value));
		return event.addKeyValue("statesync." + key, value);
	}

	/**
	 * Quote a value that would otherwise break the line into wrong pairs; control
	 * characters are escaped so that one write stays one line.
	 */
	static String quoted(String value) {
		boolean plain = !value.isEmpty();
		for (int i = 0; i < value.length() && plain; i++) {
			char c = value.charAt(i);
			plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
		}
		if (plain) {
			return value;
		}
		StringBuilder quoted = new StringBuilder("\"");
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\').append(c);
			}
			else if (c < ' ' || c == 0x7f) {
				quoted.append(String.format("\\u%04x", (int) c));
			}
			else {
				quoted.append(c);
			}
		}
		return quoted.append('"').toString();
	}

}
