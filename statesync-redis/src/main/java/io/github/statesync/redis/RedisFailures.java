package io.github.statesync.redis;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Reads what Redis answered out of the exceptions Lettuce and Spring Data Redis wrap it
 * in ({@code RedisSystemException: Error in execution},
 * {@code RedisConnectionFailureException: Unable to connect to Redis}), so every error
 * statesync reports names the server's reason ({@code WRONGPASS}, {@code NOPERM},
 * {@code OOM}, ...) and what to fix.
 *
 * @author statesync
 */
final class RedisFailures {

	/** An error reply: a code in capitals, then its text. */
	private static final Pattern ERROR_REPLY = Pattern.compile("^[A-Z][A-Z_]+( .*)?$");

	private RedisFailures() {
	}

	/**
	 * Return the first line of the error Redis answered, if the failure carries one.
	 * @param failure what a command failed with
	 * @return the server's answer, for example
	 * {@code NOPERM this user has no permissions to run the 'evalsha' command}, or
	 * {@code null} if Redis answered no error (it could not be reached, or timed out)
	 */
	static @Nullable String serverReply(Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			String message = current.getMessage();
			if (message == null) {
				continue;
			}
			String firstLine = firstLine(message);
			if (current instanceof RedisCommandExecutionException || ERROR_REPLY.matcher(firstLine).matches()) {
				return firstLine;
			}
		}
		return null;
	}

	/**
	 * Return whether the failure is a timeout: the command may or may not have run.
	 * @param failure what a command failed with
	 * @return {@code true} for a timeout
	 */
	static boolean isTimeout(Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			if (current instanceof TimeoutException || current instanceof RedisCommandTimeoutException
					|| current instanceof QueryTimeoutException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the messages of a failure and its causes, joined, for a failure without a
	 * server answer (for example {@code Unable to connect to Redis; Connection refused:
	 * localhost/127.0.0.1:6379}).
	 * @param failure the failure
	 * @return the messages
	 */
	static String describe(Throwable failure) {
		StringBuilder description = new StringBuilder();
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			String message = (current.getMessage() != null) ? firstLine(current.getMessage())
					: current.getClass().getSimpleName();
			if (description.indexOf(message) < 0) {
				description.append((description.length() > 0) ? "; " : "").append(message);
			}
		}
		return description.toString();
	}

	/**
	 * Return what to fix for an error reply, or an empty string if there is no advice.
	 * @param reply the server's answer
	 * @param user the ACL user statesync connects as
	 * @param keys where topics live
	 * @return the advice, starting with {@code ": "}, or {@code ""}
	 */
	static String advice(String reply, String user, RedisTopicKeys keys) {
		String code = code(reply);
		String prefix = keys.prefix();
		return switch (code) {
			case "WRONGPASS", "NOAUTH" -> ": check the username and password statesync connects to Redis with";
			case "NOPERM" -> ": grant the ACL user a writer's rules (docs/security.md): ACL SETUSER " + user
					+ " +get +mget +set +incr +time +publish +eval +evalsha +subscribe +unsubscribe +ping ~" + prefix
					+ "{*}:revision ~" + prefix + "{*}:snapshot &" + prefix + "{*}:events";
			case "OOM" -> ": Redis is full (maxmemory with the noeviction policy): raise maxmemory, "
					+ "free memory, or give statesync a Redis of its own";
			case "READONLY" -> ": statesync writes to a read-only replica: connect it to the primary";
			case "MISCONF" -> ": Redis refuses writes because it cannot persist: fix its disk or its save settings";
			default -> "";
		};
	}

	/**
	 * Return the code of an error reply: its first word.
	 * @param reply the server's answer
	 * @return the code, for example {@code NOPERM}
	 */
	static String code(String reply) {
		int space = reply.indexOf(' ');
		return (space < 0) ? reply : reply.substring(0, space);
	}

	/**
	 * Return the ACL user the factory connects as, as far as its configuration tells.
	 * @param connectionFactory the connection factory
	 * @return the user, {@code default} when none is configured
	 */
	static String user(@Nullable Object connectionFactory) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			return "<user>";
		}
		RedisConfiguration configuration = (lettuce.getClusterConfiguration() != null)
				? lettuce.getClusterConfiguration() : (lettuce.getSentinelConfiguration() != null)
						? lettuce.getSentinelConfiguration() : lettuce.getStandaloneConfiguration();
		if (configuration instanceof RedisConfiguration.WithAuthentication authenticated
				&& authenticated.getUsername() != null) {
			return authenticated.getUsername();
		}
		return "default";
	}

	private static String firstLine(String message) {
		int end = message.indexOf('\n');
		return ((end < 0) ? message : message.substring(0, end)).strip();
	}

}
