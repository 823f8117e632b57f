package io.github.statesync.boot.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.github.statesync.boot.ApplyMode;
import io.github.statesync.boot.StateSyncTopicGroup;
import io.github.statesync.boot.autoconfigure.StateSyncProperties.Auth;
import io.github.statesync.boot.autoconfigure.StateSyncProperties.Provider;
import io.github.statesync.boot.autoconfigure.StateSyncProperties.Topic;
import io.github.statesync.boot.support.Credentials;
import io.github.statesync.boot.topic.BeanTopic;
import io.github.statesync.boot.topic.RestAuthentication;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.boot.topic.TopicSettingsResolver;
import io.github.statesync.core.engine.RetryPolicy;
import io.github.statesync.core.engine.SyncOptions;
import io.github.statesync.core.engine.Throttling;
import io.github.statesync.core.history.HistoryRetention;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.util.unit.DataSize;

/**
 * Maps {@link StateSyncProperties} and the annotation of each topic's bean to
 * {@link TopicSettings}, validating every value on the way; the one place where
 * properties become engine options. Then the {@link StateSyncTopicCustomizer customizers}
 * run.
 *
 * @author statesync
 */
final class PropertiesTopicSettingsResolver implements TopicSettingsResolver {

	private static final DataSize MAX_PAYLOAD_LIMIT = DataSize.ofMegabytes(512);

	private static final DataSize DEFAULT_MAX_PAYLOAD = DataSize.ofMegabytes(1);

	private static final DataSize DEFAULT_HISTORY_MAX_SIZE = DataSize.ofMegabytes(1);

	private static final int MAX_HISTORY = 10_000;

	private final StateSyncProperties properties;

	private final List<StateSyncTopicCustomizer> customizers;

	private final List<StateSyncTopicGroup<?>> groups;

	// the group of each topic declared by a group
	private final Map<String, StateSyncTopicGroup<?>> groupOf = new HashMap<>();

	// topics that resolve alike share one options instance (and its retry policy and
	// throttling) instead of one each: thousands of topics mostly run on the defaults
	private final Map<SyncOptions, SyncOptions> sharedOptions = new ConcurrentHashMap<>();

	PropertiesTopicSettingsResolver(StateSyncProperties properties, List<StateSyncTopicCustomizer> customizers) {
		this(properties, customizers, List.of());
	}

	PropertiesTopicSettingsResolver(StateSyncProperties properties, List<StateSyncTopicCustomizer> customizers,
			List<StateSyncTopicGroup<?>> groups) {
		this.properties = properties;
		this.customizers = List.copyOf(customizers);
		this.groups = List.copyOf(groups);
		for (StateSyncTopicGroup<?> group : this.groups) {
			for (String topic : group.topics()) {
				StateSyncTopicGroup<?> other = this.groupOf.putIfAbsent(topic, group);
				if (other != null) {
					throw new InvalidStateSyncConfigurationException(groupProperty(group), topic,
							(other == group) ? "the topic is listed twice in the group"
									: "the topic is also in StateSyncTopicGroup '" + other.name()
											+ "'; a topic belongs to one group at most");
				}
			}
		}
	}

	@Override
	public Set<String> configuredTopics() {
		if (this.groupOf.isEmpty()) {
			return this.properties.getTopics().keySet();
		}
		Set<String> topics = new LinkedHashSet<>(this.properties.getTopics().keySet());
		this.groups.forEach((group) -> topics.addAll(group.topics()));
		return topics;
	}

	/**
	 * Validate the settings of every configured topic, so that a mistake fails start-up
	 * at once.
	 */
	void validateConfiguredTopics() {
		if (this.properties.getMaxTopics() < 1) {
			throw new InvalidStateSyncConfigurationException("statesync.max-topics", this.properties.getMaxTopics(),
					"must be at least 1");
		}
		this.properties.getTopics().keySet().forEach((topic) -> resolve(topic, null));
		// a group's topics differ only by name: its first stands for the others, whose
		// names are checked here
		for (StateSyncTopicGroup<?> group : this.groups) {
			group.topics().forEach((topic) -> validateName(topic, null, group));
			if (!group.topics().isEmpty()) {
				resolve(group.topics().get(0), null);
			}
		}
		resolve("(defaults)", null);
	}

	@Override
	public void validateTopics(Set<String> topics) {
		int maxTopics = this.properties.getMaxTopics();
		if (topics.size() > maxTopics) {
			throw new InvalidStateSyncConfigurationException("statesync.max-topics", maxTopics,
					topics.size() + " topics are declared by @SyncedTopic beans, statesync.topics and "
							+ "StateSyncTopicGroup beans together; " + "raise the limit or follow fewer topics");
		}
	}

	@Override
	public TopicSettings resolve(String topic, @Nullable BeanTopic bean) {
		StateSyncTopicGroup<?> group = this.groupOf.get(topic);
		validateName(topic, bean, group);
		if (bean != null && group != null) {
			throw new InvalidStateSyncConfigurationException(groupProperty(group), topic,
					"the topic is also declared by @SyncedTopic bean '" + bean.beanName()
							+ "'; a topic syncs into one bean or one group, not both");
		}
		Lookup lookup = new Lookup(topic, this.properties.getTopics().get(topic), this.properties.getDefaults());
		Setting<URI> url = lookup.get("url", Topic::getUrl, null);
		Setting<Provider> provider = lookup.get("provider", Topic::getProvider,
				(url.value() != null) ? Provider.REST : Provider.STORE);
		URI restUrl = null;
		if (provider.value() == Provider.REST) {
			if (url.value() == null) {
				throw new InvalidStateSyncConfigurationException(lookup.name("url"), null,
						"a URL is required when the provider is 'rest' (set " + provider.property() + " or the URL)");
			}
			restUrl = validUrl(url, lookup);
		}
		RestAuthentication authentication = authentication(lookup, provider);
		Setting<Class<?>> type = lookup.get("type", Topic::getType, null);
		if (bean != null && type.value() != null && !type.value().isAssignableFrom(bean.type())) {
			throw new InvalidStateSyncConfigurationException(type.property(), type.value().getName(), "topic '" + topic
					+ "' is bound to bean '" + bean.beanName() + "' of type " + bean.type().getName());
		}
		if (group != null && type.value() != null && !type.value().isAssignableFrom(group.type())) {
			throw new InvalidStateSyncConfigurationException(type.property(), type.value().getName(), "topic '" + topic
					+ "' is in StateSyncTopicGroup '" + group.name() + "' of type " + group.type().getName());
		}
		Class<?> resolvedType = (bean != null) ? bean.type()
				: (group != null) ? group.type() : (type.value() != null) ? type.value() : JsonNode.class;
		ApplyMode mode = lookup.get("mode", Topic::getMode, (bean != null) ? bean.mode() : ApplyMode.PATCH).value();
		boolean declaredRequired = (bean != null) ? bean.required() : (group != null) && group.required();
		boolean required = lookup.get("required", Topic::getRequired, declaredRequired).value();
		boolean lastKnownGood = lookup.get("last-known-good", Topic::getLastKnownGood, false).value();
		Setting<DataSize> maxPayload = lookup.get("max-payload-size", Topic::getMaxPayloadSize, DEFAULT_MAX_PAYLOAD);
		if (maxPayload.value().toBytes() < 1 || maxPayload.value().compareTo(MAX_PAYLOAD_LIMIT) > 0) {
			throw new InvalidStateSyncConfigurationException(maxPayload.property(), maxPayload.value(),
					"must be between 1B and " + MAX_PAYLOAD_LIMIT);
		}
		Setting<DataSize> inlineMax = lookup.get("inline-max-size", Topic::getInlineMaxSize, DataSize.ofBytes(0));
		if (inlineMax.value().toBytes() < 0 || inlineMax.value().compareTo(maxPayload.value()) > 0) {
			throw new InvalidStateSyncConfigurationException(inlineMax.property(), inlineMax.value(),
					"must be between 0B (never inline) and the topic's max-payload-size (" + maxPayload.value() + ")");
		}
		int schemaVersion = schemaVersion(lookup, bean);
		history(lookup);
		SyncOptions options = new SyncOptions(retry(lookup), throttling(lookup),
				positiveOrNull(lookup.get("poll-interval", Topic::getPollInterval, null)),
				positive(lookup.get("fetch-timeout", Topic::getFetchTimeout, SyncOptions.DEFAULTS.fetchTimeout())),
				required,
				lookup.get("on-regression", Topic::getOnRegression, SyncOptions.DEFAULTS.onRegression()).value(),
				positive(lookup.get("stale-after", Topic::getStaleAfter, SyncOptions.DEFAULTS.staleAfter())),
				lookup.get("apply-on", Topic::getApplyOn, SyncOptions.DEFAULTS.applyOn()).value());
		for (StateSyncTopicCustomizer customizer : this.customizers) {
			options = customizer.customize(topic, options);
		}
		options = this.sharedOptions.computeIfAbsent(options, (resolved) -> resolved);
		return new TopicSettings(topic, resolvedType, options, required, mode,
				(bean != null) ? bean.pickKeys() : Set.of(), (bean != null) ? bean.omitKeys() : Set.of(), restUrl,
				(int) maxPayload.value().toBytes(), (int) inlineMax.value().toBytes(), lastKnownGood,
				(restUrl != null) ? authentication : null, schemaVersion);
	}

	/**
	 * The topic's own property, else the annotation's: a version describes one topic's
	 * type, so the defaults group never sets it.
	 */
	private static int schemaVersion(Lookup lookup, @Nullable BeanTopic bean) {
		if (lookup.defaults().getSchemaVersion() != null) {
			throw new InvalidStateSyncConfigurationException("statesync.defaults.schema-version",
					lookup.defaults().getSchemaVersion(),
					"a schema version belongs to one topic's type: set statesync.topics.<topic>.schema-version "
							+ "or @SyncedTopic(schemaVersion) instead");
		}
		Integer own = (lookup.own() != null) ? lookup.own().getSchemaVersion() : null;
		if (own != null) {
			if (own < 1) {
				throw new InvalidStateSyncConfigurationException(lookup.name("schema-version"), own,
						"must be 1 or more (1 is the version of data that names none)");
			}
			return own;
		}
		int declared = (bean != null) ? bean.schemaVersion() : 1;
		if (declared < 1) {
			throw new InvalidStateSyncConfigurationException(
					"@SyncedTopic(schemaVersion) of bean '" + bean.beanName() + "'", declared,
					"must be 1 or more (1 is the version of data that names none)");
		}
		return declared;
	}

	/**
	 * Return how much history a topic keeps, from its own group and the defaults, whether
	 * or not this node follows it (a node may publish topics it does not follow).
	 * @param properties the properties
	 * @param topic the topic
	 * @return the retention
	 * @throws InvalidStateSyncConfigurationException if a bound is out of range
	 */
	static HistoryRetention historyRetention(StateSyncProperties properties, String topic) {
		return history(new Lookup(topic, properties.getTopics().get(topic), properties.getDefaults()));
	}

	private static HistoryRetention history(Lookup lookup) {
		Setting<Integer> count = lookup.get("history", Topic::getHistory, 0);
		if (count.value() < 0 || count.value() > MAX_HISTORY) {
			throw new InvalidStateSyncConfigurationException(count.property(), count.value(),
					"must be between 0 (no history) and " + MAX_HISTORY);
		}
		Setting<DataSize> size = lookup.get("history-max-size", Topic::getHistoryMaxSize, DEFAULT_HISTORY_MAX_SIZE);
		if (size.value().toBytes() < 1) {
			throw new InvalidStateSyncConfigurationException(size.property(), size.value(), "must be at least 1B");
		}
		return new HistoryRetention(count.value(), size.value().toBytes());
	}

	/**
	 * The topic's own auth group if it sets anything, else the defaults': a topic never
	 * mixes its user name with a default password.
	 */
	private @Nullable RestAuthentication authentication(Lookup lookup, Setting<Provider> provider) {
		Auth own = (lookup.own() != null) ? lookup.own().getAuth() : null;
		String prefix;
		Auth auth;
		if (own != null && own.isSet()) {
			if (provider.value() != Provider.REST) {
				throw new InvalidStateSyncConfigurationException(lookup.name("auth"), Credentials.MASK,
						"authentication is for the 'rest' provider only; set " + lookup.name("url")
								+ " or remove the auth settings");
			}
			auth = own;
			prefix = lookup.name("auth.");
		}
		else if (lookup.defaults().getAuth().isSet()) {
			auth = lookup.defaults().getAuth();
			prefix = "statesync.defaults.auth.";
		}
		else {
			return null;
		}
		if (auth.getBearerToken() != null) {
			if (auth.getUsername() != null || auth.getPassword() != null) {
				throw new InvalidStateSyncConfigurationException(prefix + "bearer-token", Credentials.MASK,
						"set either a bearer token or a username and password, not both (" + prefix + "username, "
								+ prefix + "password)");
			}
			if (auth.getBearerToken().isBlank()) {
				throw new InvalidStateSyncConfigurationException(prefix + "bearer-token", "", "must not be blank");
			}
			return RestAuthentication.bearer(auth.getBearerToken());
		}
		if (auth.getUsername() == null || auth.getUsername().isBlank()) {
			throw new InvalidStateSyncConfigurationException(prefix + "username", auth.getUsername(),
					"HTTP basic authentication needs a username along with " + prefix + "password");
		}
		if (auth.getPassword() == null) {
			throw new InvalidStateSyncConfigurationException(prefix + "password", null,
					"HTTP basic authentication needs a password along with " + prefix + "username");
		}
		return RestAuthentication.basic(auth.getUsername(), auth.getPassword());
	}

	private static String groupProperty(StateSyncTopicGroup<?> group) {
		return "topics of StateSyncTopicGroup '" + group.name() + "'";
	}

	private static void validateName(String topic, @Nullable BeanTopic bean, @Nullable StateSyncTopicGroup<?> group) {
		if (group != null && topic.isEmpty()) {
			throw new InvalidStateSyncConfigurationException(groupProperty(group), topic,
					"topic names must not be empty");
		}
		for (int i = 0; i < topic.length(); i++) {
			char c = topic.charAt(i);
			if (c == '/' || c == '{' || c == '}' || c == '%' || Character.isWhitespace(c)
					|| Character.isISOControl(c)) {
				String property = (bean != null) ? "@SyncedTopic of bean '" + bean.beanName() + "'"
						: (group != null) ? groupProperty(group) : "statesync.topics";
				throw new InvalidStateSyncConfigurationException(property, topic,
						"topic names must not contain '/', '{', '}', '%', white space or control characters: they "
								+ "end up in Redis hash tags and URL path segments");
			}
		}
	}

	private RetryPolicy retry(Lookup lookup) {
		RetryPolicy defaults = RetryPolicy.DEFAULT;
		Setting<Integer> maxAttempts = lookup.get("retry.max-attempts", (topic) -> topic.getRetry().getMaxAttempts(),
				defaults.maxAttempts());
		if (maxAttempts.value() < 1) {
			throw new InvalidStateSyncConfigurationException(maxAttempts.property(), maxAttempts.value(),
					"must be at least 1 (the first attempt counts)");
		}
		Setting<Duration> initialDelay = lookup.get("retry.initial-delay",
				(topic) -> topic.getRetry().getInitialDelay(), defaults.initialDelay());
		Setting<Double> multiplier = lookup.get("retry.multiplier", (topic) -> topic.getRetry().getMultiplier(),
				defaults.multiplier());
		if (!(multiplier.value() >= 1.0) || multiplier.value().isInfinite()) {
			throw new InvalidStateSyncConfigurationException(multiplier.property(), multiplier.value(),
					"must be a finite number of at least 1");
		}
		Setting<Duration> maxDelay = lookup.get("retry.max-delay", (topic) -> topic.getRetry().getMaxDelay(),
				defaults.maxDelay());
		nonNegative(initialDelay);
		nonNegative(maxDelay);
		if (maxDelay.value().compareTo(initialDelay.value()) < 0) {
			throw new InvalidStateSyncConfigurationException(maxDelay.property(), maxDelay.value(),
					"must not be less than " + initialDelay.property() + " (" + initialDelay.value() + ")");
		}
		return new RetryPolicy(maxAttempts.value(), initialDelay.value(), multiplier.value(), maxDelay.value());
	}

	private Throttling throttling(Lookup lookup) {
		Setting<Duration> debounce = lookup.get("debounce", Topic::getDebounce, null);
		Setting<Duration> throttle = lookup.get("throttle", Topic::getThrottle, null);
		Setting<Boolean> leading = lookup.get("leading", Topic::getLeading, true);
		Setting<Boolean> trailing = lookup.get("trailing", Topic::getTrailing, true);
		if (debounce.value() != null) {
			nonNegative(debounce);
		}
		if (throttle.value() != null) {
			nonNegative(throttle);
			if (!leading.value() && !trailing.value()) {
				throw new InvalidStateSyncConfigurationException(trailing.property(), false,
						"a throttle with neither leading nor trailing edge never refreshes: set " + leading.property()
								+ " or " + trailing.property() + " to true");
			}
		}
		return new Throttling(debounce.value(), throttle.value(), leading.value(), trailing.value());
	}

	private static URI validUrl(Setting<URI> url, Lookup lookup) {
		URI value = url.value();
		// never the value itself in a message: it may carry a password
		String shown = Credentials.mask(value);
		if (Credentials.hasUserInfo(value)) {
			String auth = lookup.name("auth.");
			throw new InvalidStateSyncConfigurationException(url.property(), shown,
					"must not carry credentials: a URL is shown in the endpoint, health details and logs. Remove them from the URL and set "
							+ auth + "username and " + auth + "password, or " + auth
							+ "bearer-token (or statesync.defaults.auth.* for every topic), "
							+ "or define a StateSyncRestClientCustomizer bean");
		}
		String scheme = value.getScheme();
		if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
				|| value.getHost() == null) {
			throw new InvalidStateSyncConfigurationException(url.property(), shown,
					"must be an absolute http or https URL of the owning service, for example http://pricing:8080");
		}
		return value;
	}

	private static void nonNegative(Setting<Duration> setting) {
		if (setting.value().isNegative()) {
			throw new InvalidStateSyncConfigurationException(setting.property(), setting.value(),
					"must not be negative");
		}
	}

	private static Duration positive(Setting<Duration> setting) {
		if (setting.value().isNegative() || setting.value().isZero()) {
			throw new InvalidStateSyncConfigurationException(setting.property(), setting.value(), "must be positive");
		}
		return setting.value();
	}

	private static @Nullable Duration positiveOrNull(Setting<Duration> setting) {
		return (setting.value() != null) ? positive(setting) : null;
	}

	/**
	 * A resolved value and the property it came from.
	 */
	private record Setting<T>(T value, String property) {

	}

	/**
	 * Looks a setting up in the topic's group, then in the defaults group.
	 */
	private record Lookup(String topic, @Nullable Topic own, Topic defaults) {

		String name(String key) {
			return "statesync.topics." + this.topic + "." + key;
		}

		<T> Setting<T> get(String key, Function<Topic, @Nullable T> getter, T fallback) {
			if (this.own != null) {
				T value = getter.apply(this.own);
				if (value != null) {
					return new Setting<>(value, name(key));
				}
			}
			T value = getter.apply(this.defaults);
			if (value != null) {
				return new Setting<>(value, "statesync.defaults." + key);
			}
			return new Setting<>(fallback, name(key));
		}

	}

}
