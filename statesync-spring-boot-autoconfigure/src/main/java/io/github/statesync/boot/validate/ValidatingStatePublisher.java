package io.github.statesync.boot.validate;

import io.github.statesync.core.publish.StatePublisher;

/**
 * A {@link StatePublisher} that checks every publish with the topic's
 * {@link PublishValidator}s, and can be told, explicitly and on the record, to let a
 * deliberate change through. The auto-configured {@code StatePublisher} bean is one.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface ValidatingStatePublisher extends StatePublisher {

	/**
	 * Return a publisher that publishes like this one but does not enforce the named
	 * validators, for a change that breaks their rule on purpose (a catalogue cut that
	 * shrinks the price table). The readers' own rules (binding and Bean Validation)
	 * still apply, and so do the validators not named. The named validators still run:
	 * every publish through the returned publisher logs one {@code WARN} line with the
	 * topic, the new revision, each overridden validator's verdict and the given reason.
	 * <pre class="code">
	 * publisher.skipping("Q3 catalogue cut, CHG-1234", "priceTableShrink").publish("pricing", smaller);
	 * </pre>
	 * @param reason why the rules are overridden, written to the log; not blank
	 * @param validators the bean names of the validators to override, at least one
	 * @return a publisher for the deliberate change
	 * @throws IllegalArgumentException if the reason is blank, no validator is named, or
	 * a name is not a known validator's (the message lists the known ones)
	 */
	StatePublisher skipping(String reason, String... validators);

}
