package io.github.statesync.boot.sync;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.github.statesync.boot.validate.PublishProposal;
import io.github.statesync.boot.validate.PublishValidationException;
import io.github.statesync.boot.validate.PublishValidator;
import io.github.statesync.boot.validate.PublishVerdict;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.spi.SnapshotProvider;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The {@link PublishValidator}s of the application, by bean name in the order they run,
 * and the reads of a topic's current snapshot they compare with when this node holds no
 * state of the topic.
 *
 * @author statesync
 */
final class PublishValidators {

	static final PublishValidators NONE = new PublishValidators(Map.of(), (topic) -> {
		throw new IllegalStateException("no validators, no reads");
	}, Duration.ZERO);

	private final Map<String, PublishValidator> validators;

	private final Function<String, SnapshotProvider<JsonNode>> stores;

	private final Map<String, SnapshotProvider<JsonNode>> providers = new ConcurrentHashMap<>();

	private final Duration readTimeout;

	PublishValidators(Map<String, PublishValidator> validators, Function<String, SnapshotProvider<JsonNode>> stores,
			Duration readTimeout) {
		this.validators = new LinkedHashMap<>(validators);
		this.stores = stores;
		this.readTimeout = readTimeout;
	}

	/**
	 * Return whether a publish to the topic has anything to check: a topic no validator
	 * supports costs neither a read nor a conversion.
	 */
	boolean check(String topic) {
		return this.validators.values().stream().anyMatch((validator) -> supports(validator, topic));
	}

	/**
	 * Fail unless every name is a validator's, before anything runs.
	 */
	void requireKnown(Set<String> names) {
		for (String name : names) {
			if (!this.validators.containsKey(name)) {
				throw new IllegalArgumentException(
						"'" + name + "' is not a PublishValidator bean; known: " + this.validators.keySet());
			}
		}
	}

	/**
	 * Run every validator that supports the topic, in order.
	 * @param proposal the publish
	 * @param skipped the validators whose refusals are overridden
	 * @return the verdict of each overridden validator, for the audit line
	 * @throws PublishValidationException if a validator not overridden refuses
	 */
	Map<String, PublishVerdict> validate(PublishProposal proposal, Set<String> skipped) {
		Map<String, String> refusals = new LinkedHashMap<>();
		Map<String, PublishVerdict> overridden = new LinkedHashMap<>();
		this.validators.forEach((name, validator) -> {
			if (!supports(validator, proposal.topic())) {
				return;
			}
			PublishVerdict verdict = verdict(validator, proposal);
			if (skipped.contains(name)) {
				overridden.put(name, verdict);
			}
			else if (verdict.isRefused()) {
				refusals.put(name, verdict.reason());
			}
		});
		if (!refusals.isEmpty()) {
			throw new PublishValidationException(proposal.topic(), refusals);
		}
		return overridden;
	}

	/**
	 * Read the topic's snapshot from the transport's store, where the publish will write.
	 * @return the snapshot, or {@code null} if the topic has never been written
	 * @throws PublishException if the store cannot be read: a check that cannot see the
	 * current state lets nothing through
	 */
	@Nullable SnapshotEnvelope<JsonNode> read(String topic) {
		SnapshotProvider<JsonNode> provider = this.providers.computeIfAbsent(topic, this.stores);
		try {
			return provider.fetch(topic, Revision.ZERO).get(this.readTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unreadable(topic, PublishException.Reason.UNAVAILABLE, ex);
		}
		catch (TimeoutException ex) {
			throw unreadable(topic, PublishException.Reason.TIMEOUT, ex);
		}
		catch (ExecutionException ex) {
			throw unreadable(topic, PublishException.Reason.UNAVAILABLE, (ex.getCause() != null) ? ex.getCause() : ex);
		}
	}

	private static PublishException unreadable(String topic, PublishException.Reason reason, Throwable cause) {
		return new PublishException(reason,
				"publish to topic '" + topic + "' not attempted, nothing was written: "
						+ "its current snapshot, which publish validators compare with, could not be read: " + cause,
				cause);
	}

	private static boolean supports(PublishValidator validator, String topic) {
		try {
			return validator.supports(topic);
		}
		catch (RuntimeException ex) {
			// a validator that cannot tell whether it applies is asked to decide
			return true;
		}
	}

	private static PublishVerdict verdict(PublishValidator validator, PublishProposal proposal) {
		try {
			PublishVerdict verdict = validator.validate(proposal);
			return (verdict != null) ? verdict : PublishVerdict.refuse("returned no verdict");
		}
		catch (RuntimeException ex) {
			// a check that cannot decide lets nothing through
			return PublishVerdict.refuse("failed: " + ex);
		}
	}

}
