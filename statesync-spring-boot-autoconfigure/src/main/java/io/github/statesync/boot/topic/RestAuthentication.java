package io.github.statesync.boot.topic;

/**
 * How the REST provider authenticates to a topic's owning service. The secrets never show
 * in {@link #toString()}.
 *
 * @author statesync
 * @since 0.1.0
 */
public sealed interface RestAuthentication {

	/**
	 * Return HTTP basic authentication.
	 * @param username the user name
	 * @param password the password
	 * @return the authentication
	 */
	static RestAuthentication basic(String username, String password) {
		return new Basic(username, password);
	}

	/**
	 * Return bearer token authentication.
	 * @param token the token
	 * @return the authentication
	 */
	static RestAuthentication bearer(String token) {
		return new Bearer(token);
	}

	/**
	 * HTTP basic authentication.
	 *
	 * @param username the user name
	 * @param password the password
	 */
	record Basic(String username, String password) implements RestAuthentication {

		@Override
		public String toString() {
			return "Basic[username=" + this.username + ", password=******]";
		}

	}

	/**
	 * A bearer token.
	 *
	 * @param token the token
	 */
	record Bearer(String token) implements RestAuthentication {

		@Override
		public String toString() {
			return "Bearer[token=******]";
		}

	}

}
