package io.github.statesync.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sample's two users. Their passwords come from the environment
 * ({@code SAMPLE_SECURITY_WRITER_PASSWORD}, {@code SAMPLE_SECURITY_OPERATOR_PASSWORD}) or
 * any other property source; without one, the demo passwords below apply and the sample
 * warns at start. A password may be given encoded, with its encoder's prefix (for example
 * {@code {bcrypt}$2a$10$...}); otherwise it is taken as plain text.
 *
 * @author statesync
 */
@ConfigurationProperties("sample.security")
public class SampleSecurityProperties {

	/**
	 * The writer's demo password: for the README walkthrough only, never for a
	 * deployment.
	 */
	static final String DEMO_WRITER_PASSWORD = "demo-only-writer";

	/**
	 * The operator's demo password: for the README walkthrough only, never for a
	 * deployment.
	 */
	static final String DEMO_OPERATOR_PASSWORD = "demo-only-operator";

	/**
	 * User allowed to change the settings ('PUT /settings'), with role WRITER.
	 */
	private final User writer = new User("writer", DEMO_WRITER_PASSWORD);

	/**
	 * User allowed the Actuator beyond health: the statesync endpoint and its refresh,
	 * metrics, Prometheus and health details, with role OPERATOR.
	 */
	private final User operator = new User("operator", DEMO_OPERATOR_PASSWORD);

	public User getWriter() {
		return this.writer;
	}

	public User getOperator() {
		return this.operator;
	}

	/**
	 * One user.
	 */
	public static class User {

		/**
		 * Name to log in with.
		 */
		private String name;

		/**
		 * Password, plain or encoded with its encoder's prefix ('{bcrypt}...').
		 */
		private String password;

		User(String name, String password) {
			this.name = name;
			this.password = password;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

	}

}
