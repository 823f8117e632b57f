package io.github.statesync.boot.validate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.statesync.boot.topic.PublishRejectedException;

/**
 * A publish was refused by one or more {@link PublishValidator}s before anything was
 * written: no snapshot, no revision, no invalidation, no local apply. The message names
 * the topic, every refusing validator with its reason, and how to publish the state
 * deliberately. Its {@linkplain #getReason() reason} is
 * {@link io.github.statesync.core.publish.PublishException.Reason#INVALID INVALID}:
 * publishing the same state again fails the same way.
 *
 * @author statesync
 * @since 0.1.0
 */
public class PublishValidationException extends PublishRejectedException {

	private static final long serialVersionUID = 1L;

	private final Map<String, String> refusals;

	/**
	 * Create a new exception.
	 * @param topic the topic published to
	 * @param refusals the reason of each refusing validator, by validator name, in the
	 * order they ran; not empty
	 */
	public PublishValidationException(String topic, Map<String, String> refusals) {
		super(topic, message(topic, refusals), null);
		this.refusals = Collections.unmodifiableMap(new LinkedHashMap<>(refusals));
	}

	/**
	 * Return why each refusing validator refused the publish.
	 * @return the reasons by validator name, in the order the validators ran
	 */
	public Map<String, String> getRefusals() {
		return this.refusals;
	}

	private static String message(String topic, Map<String, String> refusals) {
		if (refusals.isEmpty()) {
			throw new IllegalArgumentException("a refused publish needs at least one refusal");
		}
		String rules = refusals.entrySet()
			.stream()
			.map((refusal) -> "validator '" + refusal.getKey() + "': " + refusal.getValue())
			.collect(Collectors.joining("; "));
		String names = refusals.keySet().stream().map((name) -> "\"" + name + "\"").collect(Collectors.joining(", "));
		return "publish to topic '" + topic + "' refused, nothing was written: " + rules
				+ ". To publish it deliberately, use ValidatingStatePublisher.skipping(\"<reason>\", " + names + ")";
	}

}
