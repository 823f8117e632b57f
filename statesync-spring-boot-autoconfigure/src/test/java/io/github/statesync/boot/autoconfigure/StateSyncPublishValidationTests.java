package io.github.statesync.boot.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.statesync.boot.autoconfigure.TestTopics.Pair;
import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import io.github.statesync.boot.topic.PublishRejectedException;
import io.github.statesync.boot.validate.PublishProposal;
import io.github.statesync.boot.validate.PublishValidationException;
import io.github.statesync.boot.validate.PublishValidator;
import io.github.statesync.boot.validate.PublishVerdict;
import io.github.statesync.boot.validate.ValidatingStatePublisher;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link PublishValidator} beans check a whole state against the current one before a
 * publish, after the readers' own rules, in {@code @Order}; a refusal names every rule
 * and writes nothing, and a deliberate change overrides named rules on the record. The
 * in-JVM transport here; {@link StateSyncPublishValidationIntegrationTests} checks Redis.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateSyncPublishValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StateSyncAutoConfiguration.class, JacksonAutoConfiguration.class,
				ValidationAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class, SettingsValidators.class);

	@Test
	void validatorBeansAreKnownByTheirBeanNamesInOrder() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ValidatingStatePublisher.class);
			ValidatingStatePublisher publisher = context.getBean(ValidatingStatePublisher.class);
			assertThat(context.getBean(StatePublisher.class)).isSameAs(publisher);
			assertThatIllegalArgumentException().isThrownBy(() -> publisher.skipping("typo", "uploadShrinks"))
				.withMessage("'uploadShrinks' is not a PublishValidator bean; known: "
						+ "[recorder, uploadShrink, noDarkTheme]");
			assertThatIllegalArgumentException().isThrownBy(() -> publisher.skipping(" ", "uploadShrink"))
				.withMessageContaining("needs a reason");
			assertThatIllegalArgumentException().isThrownBy(() -> publisher.skipping("no names"))
				.withMessageContaining("name the publish validators");
		});
	}

	@Test
	void aRefusedPublishNamesTheTopicEveryRefusingRuleAndTheOverrideAndWritesNothing() {
		this.runner.run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			Revision good = publisher.publish("settings", Map.of("maxUploadMb", 10));
			// both rules break: both are named, in @Order, not in declaration order
			assertThatExceptionOfType(PublishValidationException.class)
				.isThrownBy(() -> publisher.publish("settings", Map.of("theme", "dark", "maxUploadMb", 4)))
				.isInstanceOf(PublishRejectedException.class)
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(PublishException.Reason.INVALID);
					assertThat(ex.getTopic()).isEqualTo("settings");
					assertThat(ex.getRefusals()).containsExactly(
							Map.entry("uploadShrink", "maxUploadMb shrinks from 10 to 4, by more than 50%"),
							Map.entry("noDarkTheme", "theme 'dark' is not allowed"));
				})
				.withMessage("publish to topic 'settings' refused, nothing was written: "
						+ "validator 'uploadShrink': maxUploadMb shrinks from 10 to 4, by more than 50%; "
						+ "validator 'noDarkTheme': theme 'dark' is not allowed. To publish it deliberately, use "
						+ "ValidatingStatePublisher.skipping(\"<reason>\", \"uploadShrink\", \"noDarkTheme\")");
			assertThat(context.getBean(Settings.class).getTheme()).isEqualTo("light");
			assertThat(context.getBean(Settings.class).getMaxUploadMb()).isEqualTo(10);
			assertStored(context, good);
			assertThatExceptionOfType(PublishValidationException.class)
				.isThrownBy(() -> publisher.publishIfCurrent("settings", good, Map.of("theme", "dark")));
			assertStored(context, good);
		});
	}

	@Test
	void readersRulesRunBeforeValidators() {
		this.runner.run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			assertThatExceptionOfType(PublishRejectedException.class)
				.isThrownBy(() -> publisher.publish("settings", Map.of("theme", "")))
				.isNotInstanceOf(PublishValidationException.class)
				.withMessageContaining("theme must not be blank");
			assertThat(context.getBean(Recorder.class).proposals).isEmpty();
		});
	}

	@Test
	void validatorsSeeTheCurrentAndProposedStateOfAFollowedTopicAsItsType() {
		this.runner.run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			Revision first = publisher.publish("settings", Map.of("theme", "blue", "maxUploadMb", 20));
			publisher.publish("settings", Map.of("maxUploadMb", 30));
			List<PublishProposal> proposals = context.getBean(Recorder.class).proposals;
			assertThat(proposals).hasSize(2);
			assertThat(proposals.get(0).topic()).isEqualTo("settings");
			assertThat(proposals.get(0).currentRevision()).as("never written").isEqualTo(Revision.ZERO);
			assertThat(proposals.get(0).current()).isNull();
			PublishProposal second = proposals.get(1);
			assertThat(second.currentRevision()).isEqualTo(first);
			assertThat(second.current()).isInstanceOfSatisfying(Settings.class, (current) -> {
				assertThat(current.getTheme()).isEqualTo("blue");
				assertThat(current.getMaxUploadMb()).isEqualTo(20);
			});
			// as readers bind it: PATCH keeps the fields the publish leaves out
			assertThat(second.proposed()).isInstanceOfSatisfying(Settings.class, (proposed) -> {
				assertThat(proposed.getTheme()).isEqualTo("blue");
				assertThat(proposed.getMaxUploadMb()).isEqualTo(30);
			});
			assertThat(second.proposed(JsonNode.class).get("maxUploadMb").asInt()).isEqualTo(30);
		});
	}

	@Test
	void skippingNamedValidatorsPublishesAndLogsWhatWasOverridden(CapturedOutput output) {
		this.runner.run((context) -> {
			ValidatingStatePublisher publisher = context.getBean(ValidatingStatePublisher.class);
			publisher.publish("settings", Map.of("maxUploadMb", 10));
			StatePublisher deliberate = publisher.skipping("CHG-1234 uploads capped", "uploadShrink");
			Revision revision = deliberate.publish("settings", Map.of("maxUploadMb", 4));
			assertThat(context.getBean(Settings.class).getMaxUploadMb()).isEqualTo(4);
			assertThat(output)
				.contains("Publish to topic 'settings' at revision " + revision + " overrode publish validators "
						+ "[uploadShrink (refused: maxUploadMb shrinks from 10 to 4, by more than 50%)]; "
						+ "reason: CHG-1234 uploads capped");
			// the rules not named still hold, and so do the readers'
			assertThatExceptionOfType(PublishValidationException.class)
				.isThrownBy(() -> deliberate.publish("settings", Map.of("theme", "dark", "maxUploadMb", 1)))
				.satisfies((ex) -> assertThat(ex.getRefusals()).containsOnlyKeys("noDarkTheme"));
			assertThatExceptionOfType(PublishRejectedException.class)
				.isThrownBy(() -> deliberate.publish("settings", Map.of("theme", "")))
				.withMessageContaining("theme must not be blank");
			PublishResult result = deliberate.publishIfCurrent("settings", revision, Map.of("maxUploadMb", 1));
			assertThat(result.published()).isTrue();
			assertThat(context.getBean(Settings.class).getMaxUploadMb()).isEqualTo(1);
			assertStored(context, result.revision());
		});
	}

	@Test
	void aValidatorThatFailsRefusesThePublish() {
		this.runner.withUserConfiguration(TestTopics.PairConfiguration.class, FailingValidator.class).run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			assertThatExceptionOfType(PublishValidationException.class)
				.isThrownBy(() -> publisher.publish("pair", Map.of("left", 1, "right", 1)))
				.satisfies((ex) -> assertThat(ex.getRefusals()).containsExactly(
						Map.entry("pairChecker", "failed: java.lang.IllegalStateException: pair rules unreadable")));
			assertThat(context.getBean(Pair.class).getLeft()).isZero();
			// a validator that does not support the topic costs it nothing
			publisher.publish("settings", Map.of("theme", "green"));
			assertThat(context.getBean(Settings.class).getTheme()).isEqualTo("green");
		});
	}

	private static void assertStored(AssertableApplicationContext context, Revision revision) {
		SyncedTopicRegistry registry = context.getBean(SyncedTopicRegistry.class);
		assertThat(registry.handle("settings").refresh()).succeedsWithin(Duration.ofSeconds(5));
		assertThat(registry.handle("settings").localRevision()).isEqualTo(revision);
	}

	static class Recorder implements PublishValidator {

		final List<PublishProposal> proposals = new CopyOnWriteArrayList<>();

		@Override
		public PublishVerdict validate(PublishProposal proposal) {
			this.proposals.add(proposal);
			return PublishVerdict.ok();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SettingsValidators {

		@Bean
		@Order(3)
		PublishValidator noDarkTheme() {
			return PublishValidator.forTopic("settings", Settings.class,
					(current, proposed) -> "dark".equals(proposed.getTheme())
							? PublishVerdict.refuse("theme 'dark' is not allowed") : PublishVerdict.ok());
		}

		@Bean
		@Order(2)
		PublishValidator uploadShrink() {
			return PublishValidator.forTopic("settings", Settings.class,
					(current,
							proposed) -> (current != null && proposed.getMaxUploadMb() * 2 < current.getMaxUploadMb())
									? PublishVerdict.refuse("maxUploadMb shrinks from " + current.getMaxUploadMb()
											+ " to " + proposed.getMaxUploadMb() + ", by more than 50%")
									: PublishVerdict.ok());
		}

		@Bean
		@Order(1)
		Recorder recorder() {
			return new Recorder();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingValidator {

		@Bean
		PublishValidator pairChecker() {
			return new PublishValidator() {

				@Override
				public PublishVerdict validate(PublishProposal proposal) {
					throw new IllegalStateException("pair rules unreadable");
				}

				@Override
				public boolean supports(String topic) {
					return "pair".equals(topic);
				}

			};
		}

	}

}
