package io.github.statesync.boot.support;

import java.net.URI;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Masks the user-info part ({@code user:password@}) of URLs, wherever a URL is shown: the
 * endpoint, health details, logs, exception messages. The whole user-info is masked, not
 * just the password, because tokens are often passed as the user name.
 * <p>
 * Spring Boot's {@code Sanitizer} cannot serve here: it lives in the optional Actuator
 * module, and masks whole values by key, where an operator still needs to see which host
 * a topic fetches from.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class Credentials {

	/**
	 * What stands in for a secret: the same as Spring Boot's actuator shows.
	 */
	public static final String MASK = "******";

	// scheme://, then everything up to the last '@' before the path, query or fragment
	private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.\\-]*://)[^/?#\\s]*@");

	private Credentials() {
	}

	/**
	 * Return a URL as it may be shown.
	 * @param url the URL
	 * @return the URL with its user-info, if any, masked
	 */
	public static String mask(URI url) {
		return mask(url.toString());
	}

	/**
	 * Return a text with the user-info of every URL in it masked.
	 * @param text a message, a URL, or {@code null}
	 * @return the text with credentials masked, {@code null} for {@code null}
	 */
	public static @Nullable String mask(@Nullable String text) {
		if (text == null || text.indexOf('@') < 0) {
			return text;
		}
		return USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
	}

	/**
	 * Return whether a URL carries user-info.
	 * @param url the URL
	 * @return {@code true} if it has a user name or password
	 */
	public static boolean hasUserInfo(URI url) {
		return url.getRawUserInfo() != null
				|| (url.getRawAuthority() != null && url.getRawAuthority().indexOf('@') >= 0);
	}

}
