package io.github.statesync.boot.sync;

import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.statesync.boot.topic.SnapshotRejectedException;
import io.github.statesync.boot.topic.SnapshotValidator;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

/**
 * Validates candidate states with Bean Validation. A candidate whose class declares no
 * constraint at all (none on the class, its properties or their container elements, and
 * no cascade) is not handed to the validator: that is decided once per class, from the
 * validator's own metadata.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class BeanValidationSnapshotValidator implements SnapshotValidator {

	private final Validator validator;

	private final ClassValue<Boolean> constrained = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			return isConstrained(type);
		}

	};

	/**
	 * Create a validator.
	 * @param validator the Bean Validation validator
	 */
	public BeanValidationSnapshotValidator(Validator validator) {
		this.validator = validator;
	}

	@Override
	public void validate(String topic, Object candidate) {
		if (!this.constrained.get(candidate.getClass())) {
			return;
		}
		Set<ConstraintViolation<Object>> violations = this.validator.validate(candidate);
		if (!violations.isEmpty()) {
			String details = violations.stream()
				.sorted(Comparator.comparing((violation) -> violation.getPropertyPath().toString()))
				.map((violation) -> violation.getPropertyPath() + " " + violation.getMessage())
				.collect(Collectors.joining(", "));
			throw new SnapshotRejectedException("snapshot of topic '" + topic + "' is invalid: " + details);
		}
	}

	private boolean isConstrained(Class<?> type) {
		try {
			return this.validator.getConstraintsForClass(type).isBeanConstrained();
		}
		catch (RuntimeException ex) {
			// a validator that cannot describe the class validates every candidate
			return true;
		}
	}

}
