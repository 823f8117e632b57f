package io.github.statesync.boot.sync;

import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.statesync.boot.topic.SnapshotRejectedException;
import io.github.statesync.boot.topic.SnapshotValidator;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

/**
 * Validates candidate states with Bean Validation.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class BeanValidationSnapshotValidator implements SnapshotValidator {

	private final Validator validator;

	/**
	 * Create a validator.
	 * @param validator the Bean Validation validator
	 */
	public BeanValidationSnapshotValidator(Validator validator) {
		this.validator = validator;
	}

	@Override
	public void validate(String topic, Object candidate) {
		Set<ConstraintViolation<Object>> violations = this.validator.validate(candidate);
		if (!violations.isEmpty()) {
			String details = violations.stream()
				.sorted(Comparator.comparing((violation) -> violation.getPropertyPath().toString()))
				.map((violation) -> violation.getPropertyPath() + " " + violation.getMessage())
				.collect(Collectors.joining(", "));
			throw new SnapshotRejectedException("snapshot of topic '" + topic + "' is invalid: " + details);
		}
	}

}
