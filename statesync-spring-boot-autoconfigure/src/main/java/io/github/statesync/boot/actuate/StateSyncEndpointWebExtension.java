package io.github.statesync.boot.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.github.statesync.boot.actuate.StateSyncEndpoint.RefreshDescriptor;
import io.github.statesync.boot.topic.PublishRejectedException;
import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.HistoryEntryNotFoundException;
import io.github.statesync.core.history.HistoryRetention;
import io.github.statesync.core.history.StateHistory;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP answers of the {@link StateSyncEndpoint}: the refresh answers
 * {@code 202 Accepted} with the topic's refresh status, as the refresh runs in the
 * background, and {@code 404} for a topic this node does not follow (a write operation
 * answering nothing would be {@code 204}). Over HTTP only, topics' history:
 * <ul>
 * <li>{@code GET /actuator/statesync/{topic}/history?limit=20}: the newest entries,
 * newest first, with their data only where {@code show-data} allows;</li>
 * <li>{@code GET /actuator/statesync/{topic}/history?from=R1&to=R2}: the RFC 6902 JSON
 * Patch that turns the data of {@code R1} into that of {@code R2} ({@code to} defaults to
 * the newest entry), where {@code show-data} allows;</li>
 * <li>{@code POST /actuator/statesync/{topic}/rollback} with {@code {"revision":"R"}}:
 * publishes the data of {@code R} again as a new revision, through the application's
 * publisher; {@code 403} unless enabled, and with roles configured, unless the caller has
 * one.</li>
 * </ul>
 *
 * @author statesync
 * @since 0.1.0
 */
@EndpointWebExtension(endpoint = StateSyncEndpoint.class)
public class StateSyncEndpointWebExtension {

	private static final int STATUS_ACCEPTED = 202;

	private static final int STATUS_FORBIDDEN = 403;

	private static final int DEFAULT_LIMIT = 20;

	private static final String HISTORY = "history";

	private static final String ROLLBACK = "rollback";

	private static final String SHOW_DATA_PROPERTY = "statesync.history-endpoint.show-data";

	private final StateSyncEndpoint delegate;

	private final @Nullable StateHistory history;

	private final JsonMapper mapper;

	private final Function<String, HistoryRetention> retention;

	private final Show showData;

	private final Set<String> roles;

	private final boolean rollbackEnabled;

	/**
	 * Create the extension without history.
	 * @param delegate the endpoint
	 */
	public StateSyncEndpointWebExtension(StateSyncEndpoint delegate) {
		this(delegate, null, JsonMapper.shared(), (topic) -> HistoryRetention.NONE, Show.NEVER, Set.of(), false);
	}

	/**
	 * Create the extension.
	 * @param delegate the endpoint
	 * @param history the topics' history, or {@code null} if there is none
	 * @param mapper reads the envelopes of history entries
	 * @param retention how much history each topic keeps, shown with its entries
	 * @param showData when entries' data and diffs are shown
	 * @param roles the roles that see data (when authorized) and may roll back; empty for
	 * any authenticated caller, and for rollback, anyone the Actuator lets through
	 * @param rollbackEnabled whether the rollback operation is accepted
	 * @since 0.1.0
	 */
	public StateSyncEndpointWebExtension(StateSyncEndpoint delegate, @Nullable StateHistory history, JsonMapper mapper,
			Function<String, HistoryRetention> retention, Show showData, Set<String> roles, boolean rollbackEnabled) {
		this.delegate = delegate;
		this.history = history;
		this.mapper = mapper;
		this.retention = retention;
		this.showData = showData;
		this.roles = Set.copyOf(roles);
		this.rollbackEnabled = rollbackEnabled;
	}

	/**
	 * Ask for a refresh of a topic; see {@link StateSyncEndpoint#refresh(String)}.
	 * @param topic the topic
	 * @return {@code 202} with the topic's refresh status, or {@code 404} if this node
	 * does not follow it
	 */
	@WriteOperation
	public WebEndpointResponse<RefreshDescriptor> refresh(@Selector String topic) {
		RefreshDescriptor requested = this.delegate.refresh(topic);
		return (requested != null) ? new WebEndpointResponse<>(requested, STATUS_ACCEPTED)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

	/**
	 * Read a topic's history ({@code /actuator/statesync/{topic}/history}), or the diff
	 * between two of its revisions when {@code from} is given.
	 * @param securityContext the caller, who may or may not see data
	 * @param topic the topic
	 * @param part {@code history}; anything else is {@code 404}
	 * @param limit the most entries to list (default 20)
	 * @param from the revision a diff starts from
	 * @param to the revision a diff ends at (default: the newest entry)
	 * @return {@code 200} with a {@link HistoryDescriptor} or a {@link DiffDescriptor};
	 * {@code 400} for a malformed revision or limit; {@code 403} for a diff the caller
	 * may not see; {@code 404} for another path, or a revision the history does not hold
	 */
	@ReadOperation
	public WebEndpointResponse<Object> history(SecurityContext securityContext, @Selector String topic,
			@Selector String part, @Nullable Integer limit, @Nullable String from, @Nullable String to) {
		StateHistory history = this.history;
		if (!HISTORY.equals(part) || history == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		boolean dataShown = this.showData.isShown(securityContext, this.roles);
		try {
			if (from != null) {
				if (!dataShown) {
					return error(STATUS_FORBIDDEN, "A diff shows data, which this endpoint does not show to this "
							+ "caller: set " + SHOW_DATA_PROPERTY + " (and statesync.history-endpoint.roles)");
				}
				return diff(history, topic, Revision.parse(from), (to != null) ? Revision.parse(to) : null);
			}
			int count = (limit != null) ? limit : DEFAULT_LIMIT;
			if (count < 1) {
				return error(WebEndpointResponse.STATUS_BAD_REQUEST, "limit must be at least 1, was " + count);
			}
			List<EntryDescriptor> entries = new ArrayList<>();
			for (HistoryEntry entry : history.history(topic, count)) {
				entries.add(describe(entry, dataShown ? data(entry) : null));
			}
			HistoryRetention kept = this.retention.apply(topic);
			return new WebEndpointResponse<>(
					new HistoryDescriptor(topic, kept.maxEntries(), kept.maxBytes(), dataShown, entries));
		}
		catch (ProtocolException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage());
		}
	}

	/**
	 * Roll a topic back ({@code POST /actuator/statesync/{topic}/rollback}): publish the
	 * data of an earlier revision again, as a new revision, through the application's
	 * publisher (checked with the readers' rules, echoed, audited with the caller's
	 * principal).
	 * @param securityContext the caller
	 * @param topic the topic
	 * @param part {@code rollback}; anything else is {@code 404}
	 * @param revision the revision whose data to publish again
	 * @return {@code 200} with a {@link RollbackDescriptor}; {@code 400} for a malformed
	 * revision or data the readers refuse; {@code 403} when rollback is not enabled or
	 * the caller lacks the roles; {@code 404} for a revision the history does not hold;
	 * {@code 503} when the store refused or could not be reached
	 */
	@WriteOperation
	public WebEndpointResponse<Object> rollback(SecurityContext securityContext, @Selector String topic,
			@Selector String part, String revision) {
		StateHistory history = this.history;
		if (!ROLLBACK.equals(part) || history == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		if (!this.rollbackEnabled) {
			return error(STATUS_FORBIDDEN, "Rollback through the Actuator is off: set "
					+ "statesync.history-endpoint.rollback-enabled=true to accept it");
		}
		if (!this.roles.isEmpty() && (securityContext.getPrincipal() == null
				|| this.roles.stream().noneMatch(securityContext::isUserInRole))) {
			return error(STATUS_FORBIDDEN,
					"Rollback needs one of the roles " + this.roles + " (statesync.history-endpoint.roles)");
		}
		try {
			Revision restored = Revision.parse(revision);
			Revision written = history.rollback(topic, restored);
			return new WebEndpointResponse<>(new RollbackDescriptor(topic, written.toString(), restored.toString()));
		}
		catch (ProtocolException | PublishRejectedException ex) {
			return error(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage());
		}
		catch (HistoryEntryNotFoundException ex) {
			return error(WebEndpointResponse.STATUS_NOT_FOUND, ex.getMessage());
		}
		catch (PublishException ex) {
			return error(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, ex.getMessage());
		}
	}

	private WebEndpointResponse<Object> diff(StateHistory history, String topic, Revision from, @Nullable Revision to) {
		Optional<HistoryEntry> source = history.entry(topic, from);
		Optional<HistoryEntry> target = (to != null) ? history.entry(topic, to)
				: history.history(topic, 1).stream().findFirst();
		if (source.isEmpty() || target.isEmpty()) {
			Revision missing = source.isEmpty() ? from : to;
			return error(WebEndpointResponse.STATUS_NOT_FOUND, "Topic '" + topic + "' has no "
					+ ((missing != null) ? "revision " + missing : "entries") + " in its history");
		}
		JsonNode before = data(source.get());
		JsonNode after = data(target.get());
		return new WebEndpointResponse<>(new DiffDescriptor(topic, source.get().revision().toString(),
				target.get().revision().toString(), JsonPatch.diff(before, after)));
	}

	private JsonNode data(HistoryEntry entry) {
		JsonNode data = this.mapper.readTree(entry.envelope()).get("data");
		return (data != null) ? data : this.mapper.nullNode();
	}

	private static EntryDescriptor describe(HistoryEntry entry, @Nullable JsonNode data) {
		Revision rollbackOf = entry.rollbackOf();
		return new EntryDescriptor(entry.revision().toString(), entry.previousRevision().toString(), entry.time(),
				entry.operation(), entry.nodeId(), entry.principal(), entry.size(), entry.digest(),
				(rollbackOf != null) ? rollbackOf.toString() : null, data);
	}

	private static WebEndpointResponse<Object> error(int status, String message) {
		return new WebEndpointResponse<>(new HistoryError(status, message), status);
	}

	/**
	 * A topic's history.
	 *
	 * @param topic the topic
	 * @param keeps the most entries the topic keeps ({@code 0}: no history)
	 * @param keepsBytes the most bytes its entries take together
	 * @param dataShown whether the entries carry their data
	 * @param entries the newest entries, newest first
	 */
	public record HistoryDescriptor(String topic, int keeps, long keepsBytes, boolean dataShown,
			List<EntryDescriptor> entries) {

	}

	/**
	 * One entry of a topic's history.
	 *
	 * @param revision the revision written
	 * @param previousRevision the revision before it
	 * @param time when it was written
	 * @param operation what kind of write it was
	 * @param nodeId the writer's node
	 * @param principal the caller, when the writer's security context held one
	 * @param size the data's size in bytes as JSON
	 * @param digest the data's digest
	 * @param rollbackOf the revision a rollback restored
	 * @param data the data, {@code null} where not shown
	 */
	public record EntryDescriptor(String revision, String previousRevision, Instant time,
			HistoryEntry.Operation operation, @Nullable String nodeId, @Nullable String principal, long size,
			String digest, @Nullable String rollbackOf, @Nullable JsonNode data) {

	}

	/**
	 * The difference between two revisions of a topic.
	 *
	 * @param topic the topic
	 * @param from the revision the patch applies to
	 * @param to the revision it produces
	 * @param patch the RFC 6902 JSON Patch
	 */
	public record DiffDescriptor(String topic, String from, String to, JsonNode patch) {

	}

	/**
	 * A rollback that was written.
	 *
	 * @param topic the topic
	 * @param revision the new revision
	 * @param rollbackOf the revision whose data it restored
	 */
	public record RollbackDescriptor(String topic, String revision, String rollbackOf) {

	}

	/**
	 * Why a history request was refused.
	 *
	 * @param status the HTTP status
	 * @param error what is wrong and the property or value to fix
	 */
	public record HistoryError(int status, String error) {

	}

}
