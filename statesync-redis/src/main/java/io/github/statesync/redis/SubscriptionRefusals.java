package io.github.statesync.redis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.statesync.core.engine.RetryPolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

import org.springframework.data.redis.RedisSystemException;

/**
 * The channels Redis refuses to subscribe (for example {@code NOPERM}: the ACL user has
 * no right to them), with the message their topics were told. A refusal is told to the
 * channel's listeners and logged once per change of reason; the subscriber keeps trying
 * with the recovery back-off, and logs at INFO when Redis accepts again. Written by the
 * thread that applies changes (and by a cancel, which forgets its channel); read by
 * anyone.
 *
 * @author statesync
 */
final class SubscriptionRefusals {

	private final Map<String, String> refused = new ConcurrentHashMap<>();

	private final TopicListeners listeners;

	private final String command;

	private final String grant;

	private final String user;

	private final RedisTopicKeys keys;

	private final Logger logger;

	/**
	 * Create the refusals of one subscriber.
	 * @param listeners the subscriber's listeners, told of refusals
	 * @param command the subscribe command, as named in messages ({@code SUBSCRIBE} or
	 * {@code SSUBSCRIBE})
	 * @param grant what {@code ACL SETUSER} must add for the user to be allowed the
	 * channels, the fix named for a {@code NOPERM}
	 * @param user the ACL user
	 * @param keys where topics live
	 * @param logger the subscriber's logger, so that refusals are logged under the
	 * subscriber's name as before
	 */
	SubscriptionRefusals(TopicListeners listeners, String command, String grant, String user, RedisTopicKeys keys,
			Logger logger) {
		this.listeners = listeners;
		this.command = command;
		this.grant = grant;
		this.user = user;
		this.keys = keys;
		this.logger = logger;
	}

	/**
	 * Return the refusal of the channel, or {@code null} if it is not refused.
	 */
	@Nullable String get(String channel) {
		return this.refused.get(channel);
	}

	boolean contains(String channel) {
		return this.refused.containsKey(channel);
	}

	boolean isEmpty() {
		return this.refused.isEmpty();
	}

	/**
	 * Return the refused channels (a live view).
	 */
	Set<String> channels() {
		return this.refused.keySet();
	}

	/**
	 * Forget the refusal of a channel nobody listens to any more.
	 */
	void forget(String channel) {
		this.refused.remove(channel);
	}

	/**
	 * Tell the topics of newly refused channels (or refused for another reason) why, and
	 * log it once.
	 * @param refusals the server's answer for each channel it refused
	 */
	void refused(Map<String, String> refusals) {
		Map<String, String> changed = new LinkedHashMap<>();
		refusals.forEach((channel, reply) -> {
			String message = "Redis refused " + this.command + " on channel '" + channel + "' for user '" + this.user
					+ "' (" + reply + ")" + advice(reply);
			if (this.listeners.contains(channel) && !message.equals(this.refused.put(channel, message))) {
				changed.put(channel, message);
			}
		});
		if (changed.isEmpty()) {
			return;
		}
		this.logger.warn(
				"{}{}; their topics receive no invalidations until it accepts, tried again with a back-off "
						+ "of up to {} s",
				changed.values().iterator().next(),
				(changed.size() > 1) ? " (and " + (changed.size() - 1) + " more channels)" : "",
				RetryPolicy.RECOVERY.maxDelay().toSeconds());
		changed.forEach((channel, message) -> this.listeners.subscriptionFailed(channel,
				new RedisSystemException(message, null)));
	}

	private String advice(String reply) {
		if ("NOPERM".equals(RedisFailures.code(reply))) {
			return ": grant it with ACL SETUSER " + this.user + " " + this.grant;
		}
		return RedisFailures.advice(reply, this.user, this.keys);
	}

	/**
	 * Forget the refusals of channels Redis accepted, and log how many recovered.
	 * @param channels the channels Redis accepted
	 */
	void accepted(List<String> channels) {
		int recovered = 0;
		for (String channel : channels) {
			if (this.refused.remove(channel) != null) {
				recovered++;
			}
		}
		if (recovered > 0) {
			this.logger.info("Redis accepts {} on {} channels it refused before: their topics resync", this.command,
					recovered);
		}
	}

}
