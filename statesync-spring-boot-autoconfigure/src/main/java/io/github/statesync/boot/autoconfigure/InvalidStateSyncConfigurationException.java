package io.github.statesync.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * A statesync property has a value that cannot work.
 *
 * @author statesync
 * @since 0.1.0
 */
public class InvalidStateSyncConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final transient @Nullable Object value;

	private final String reason;

	/**
	 * Create a new exception.
	 * @param property the full name of the property to fix
	 * @param value its current value
	 * @param reason why it cannot work
	 */
	public InvalidStateSyncConfigurationException(String property, @Nullable Object value, String reason) {
		super("Invalid statesync configuration: " + property + "=" + value + ": " + reason);
		this.property = property;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * Return the property to fix.
	 * @return the full property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return the property's value.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Return why the value cannot work.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
