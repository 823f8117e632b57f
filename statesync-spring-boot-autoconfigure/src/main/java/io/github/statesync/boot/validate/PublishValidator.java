package io.github.statesync.boot.validate;

import java.util.Objects;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

/**
 * A whole-value check that runs before a topic's new state is written: it compares the
 * proposed state with the current one and lets the publish go ahead or refuses it. A
 * refused publish writes nothing anywhere and throws a {@link PublishValidationException}
 * naming the validator and its reason.
 * <p>
 * Declare validators as beans; each is known by its bean name, which refusals, logs and
 * {@link ValidatingStatePublisher#skipping(String, String...) overrides} use. They run in
 * {@link org.springframework.core.annotation.Order @Order}, after the readers' own rules
 * (binding to the topic's type and Bean Validation) have passed, and every validator that
 * {@linkplain #supports(String) supports} the topic runs, so a refusal lists every rule
 * the state breaks. A validator that throws refuses the publish (a check that cannot
 * decide does not let a write through). <pre class="code">
 * &#64;Bean
 * PublishValidator priceTableShrink() {
 *     return PublishValidator.forTopic("pricing", PriceTable.class, (current, proposed) -&gt;
 *             (current != null &amp;&amp; proposed.prices().size() &lt; current.prices().size() / 2)
 *                     ? PublishVerdict.refuse("price table shrinks by more than 50%")
 *                     : PublishVerdict.ok());
 * }
 * </pre>
 *
 * @author statesync
 * @since 0.1.0
 * @see PublishProposal
 */
@FunctionalInterface
public interface PublishValidator {

	/**
	 * Check a proposed publish against the topic's current state.
	 * @param proposal the topic, its current state and revision, and the proposed state
	 * @return {@link PublishVerdict#ok()} or {@link PublishVerdict#refuse(String)}
	 */
	PublishVerdict validate(PublishProposal proposal);

	/**
	 * Return whether this validator checks publishes to the topic. Publishes to a topic
	 * no validator supports cost nothing extra.
	 * @param topic the topic published to
	 * @return {@code true} (the default) to check every topic
	 */
	default boolean supports(String topic) {
		return true;
	}

	/**
	 * Return a validator of one topic whose rule receives the current and proposed state
	 * as the given type (converted with the application's {@code JsonMapper} when the
	 * node does not follow the topic).
	 * @param <T> the topic's type
	 * @param topic the topic checked
	 * @param type the type the rule reads the states as
	 * @param rule receives the current state ({@code null} if the topic has never been
	 * written) and the proposed state
	 * @return the validator
	 */
	static <T> PublishValidator forTopic(String topic, Class<T> type, BiFunction<@Nullable T, T, PublishVerdict> rule) {
		Objects.requireNonNull(topic, "topic must not be null");
		Objects.requireNonNull(type, "type must not be null");
		Objects.requireNonNull(rule, "rule must not be null");
		return new PublishValidator() {

			@Override
			public PublishVerdict validate(PublishProposal proposal) {
				return rule.apply(proposal.current(type), proposal.proposed(type));
			}

			@Override
			public boolean supports(String candidate) {
				return topic.equals(candidate);
			}

			@Override
			public String toString() {
				return "PublishValidator[topic=" + topic + ", type=" + type.getName() + "]";
			}

		};
	}

}
