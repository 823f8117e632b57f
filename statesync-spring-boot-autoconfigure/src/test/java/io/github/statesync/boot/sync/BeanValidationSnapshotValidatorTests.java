package io.github.statesync.boot.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.github.statesync.boot.topic.SnapshotRejectedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.executable.ExecutableValidator;
import jakarta.validation.metadata.BeanDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * {@link BeanValidationSnapshotValidator} validates candidates of constrained classes and
 * leaves the validator out for classes without a constraint.
 */
class BeanValidationSnapshotValidatorTests {

	private final ValidatorFactory factory = Validation.buildDefaultValidatorFactory();

	private final Recording recording = new Recording(this.factory.getValidator());

	private final BeanValidationSnapshotValidator validator = new BeanValidationSnapshotValidator(this.recording);

	@AfterEach
	void close() {
		this.factory.close();
	}

	@Test
	void candidateOfAClassWithoutConstraintsIsNotValidatedAndTheClassIsDescribedOnce() {
		this.validator.validate("plain", new Plain());
		this.validator.validate("plain", new Plain());
		assertThat(this.recording.validated).isEmpty();
		assertThat(this.recording.described).containsExactly(Plain.class);
	}

	@Test
	void constraintOnAPropertyIsChecked() {
		assertThatExceptionOfType(SnapshotRejectedException.class)
			.isThrownBy(() -> this.validator.validate("limits", new Limits(0)))
			.withMessageContaining("max ");
		assertThatNoException().isThrownBy(() -> this.validator.validate("limits", new Limits(3)));
		assertThat(this.recording.validated).hasSize(2);
	}

	@Test
	void constraintOnAGetterIsChecked() {
		assertThatExceptionOfType(SnapshotRejectedException.class)
			.isThrownBy(() -> this.validator.validate("range", new Range(5, 1)));
	}

	@Test
	void cascadedPropertyIsChecked() {
		assertThatExceptionOfType(SnapshotRejectedException.class)
			.isThrownBy(() -> this.validator.validate("holder", new Holder(new Limits(0))))
			.withMessageContaining("limits.max");
	}

	@Test
	void constraintOnAContainerElementIsChecked() {
		assertThatExceptionOfType(SnapshotRejectedException.class)
			.isThrownBy(() -> this.validator.validate("tags", new Tags(List.of("ok", " "))));
	}

	@Test
	void validatorThatCannotDescribeAClassValidatesEveryCandidate() {
		Recording undescribing = new Recording(this.factory.getValidator()) {

			@Override
			public BeanDescriptor getConstraintsForClass(Class<?> clazz) {
				throw new IllegalStateException("no metadata");
			}

		};
		BeanValidationSnapshotValidator validator = new BeanValidationSnapshotValidator(undescribing);
		validator.validate("plain", new Plain());
		assertThatExceptionOfType(SnapshotRejectedException.class)
			.isThrownBy(() -> validator.validate("limits", new Limits(0)));
		assertThat(undescribing.validated).hasSize(2);
	}

	/**
	 * The Bean Validation validator, recording what it is asked.
	 */
	static class Recording implements Validator {

		private final Validator delegate;

		final List<Object> validated = new ArrayList<>();

		final List<Class<?>> described = new ArrayList<>();

		Recording(Validator delegate) {
			this.delegate = delegate;
		}

		@Override
		public <T> Set<ConstraintViolation<T>> validate(T object, Class<?>... groups) {
			this.validated.add(object);
			return this.delegate.validate(object, groups);
		}

		@Override
		public <T> Set<ConstraintViolation<T>> validateProperty(T object, String propertyName, Class<?>... groups) {
			return this.delegate.validateProperty(object, propertyName, groups);
		}

		@Override
		public <T> Set<ConstraintViolation<T>> validateValue(Class<T> beanType, String propertyName, Object value,
				Class<?>... groups) {
			return this.delegate.validateValue(beanType, propertyName, value, groups);
		}

		@Override
		public BeanDescriptor getConstraintsForClass(Class<?> clazz) {
			this.described.add(clazz);
			return this.delegate.getConstraintsForClass(clazz);
		}

		@Override
		public <T> T unwrap(Class<T> type) {
			return this.delegate.unwrap(type);
		}

		@Override
		public ExecutableValidator forExecutables() {
			return this.delegate.forExecutables();
		}

	}

	public static class Plain {

		public String getName() {
			return "plain";
		}

	}

	public record Limits(@Min(1) int max) {
	}

	public record Range(int low, int high) {

		@AssertTrue
		public boolean isOrdered() {
			return this.low <= this.high;
		}

	}

	public record Holder(@Valid Limits limits) {
	}

	public record Tags(List<@NotBlank String> tags) {
	}

}
