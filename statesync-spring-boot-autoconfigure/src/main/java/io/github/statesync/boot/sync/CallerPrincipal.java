package io.github.statesync.boot.sync;

import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;

/**
 * The name of the caller that Spring Security holds on the calling thread, when Spring
 * Security is on the classpath: recorded in audit lines and history entries.
 *
 * @author statesync
 */
final class CallerPrincipal {

	private static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.context.SecurityContextHolder", CallerPrincipal.class.getClassLoader());

	private CallerPrincipal() {
	}

	/**
	 * Return the current caller's name.
	 * @return the name, or {@code null} without Spring Security or an authentication
	 */
	static @Nullable String current() {
		return SECURITY_PRESENT ? Security.current() : null;
	}

	/**
	 * Touches Spring Security's types only when they are present.
	 */
	private static final class Security {

		static @Nullable String current() {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			return (authentication != null && authentication.isAuthenticated()) ? authentication.getName() : null;
		}

	}

}
