package io.github.statesync.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.statesync.boot.actuate.StateSyncEndpoint;
import io.github.statesync.boot.actuate.StateSyncEndpointWebExtension;
import io.github.statesync.boot.actuate.StateSyncEndpointWebExtension.DiffDescriptor;
import io.github.statesync.boot.actuate.StateSyncEndpointWebExtension.HistoryDescriptor;
import io.github.statesync.boot.actuate.StateSyncEndpointWebExtension.HistoryError;
import io.github.statesync.boot.actuate.StateSyncEndpointWebExtension.RollbackDescriptor;
import io.github.statesync.boot.autoconfigure.TestTopics.Settings;
import io.github.statesync.boot.autoconfigure.endpoint.StateSyncEndpointAutoConfiguration;
import io.github.statesync.core.history.HistoryEntry;
import io.github.statesync.core.history.HistoryEntryNotFoundException;
import io.github.statesync.core.history.StateHistory;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * History, rollback and the audit line on the in-JVM transport, and the Actuator's
 * history operations, with an {@link ApplicationContextRunner}.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateSyncHistoryTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(StateSyncAutoConfiguration.class, StateSyncEndpointAutoConfiguration.class))
		.withUserConfiguration(TestTopics.SettingsConfiguration.class)
		.withPropertyValues("management.endpoints.web.exposure.include=statesync", "statesync.node-id=node-h");

	@Test
	void historyIsOffByDefaultAndARollbackSaysWhichPropertyTurnsItOn() {
		this.runner.run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			StateHistory history = context.getBean(StateHistory.class);
			Revision revision = publisher.publish("settings", Map.of("theme", "dark"));
			assertThat(history.history("settings", 10)).isEmpty();
			assertThatExceptionOfType(HistoryEntryNotFoundException.class)
				.isThrownBy(() -> history.rollback("settings", revision))
				.withMessageContaining("'statesync.topics.settings.history'")
				.withMessageContaining("nothing was written");
		});
	}

	@Test
	void historyIsBoundedByCountAndBytesUnderAThousandWrites() {
		this.runner
			.withPropertyValues("statesync.topics.counted.history=20", "statesync.topics.sized.history=1000",
					"statesync.topics.sized.history-max-size=4KB")
			.run((context) -> {
				StatePublisher publisher = context.getBean(StatePublisher.class);
				StateHistory history = context.getBean(StateHistory.class);
				for (int i = 0; i < 1000; i++) {
					publisher.publish("counted", Map.of("n", i));
					publisher.publish("sized", Map.of("n", i, "pad", "x".repeat((i * 37) % 1200)));
					assertThat(history.history("counted", 1000)).hasSize(Math.min(i + 1, 20));
					List<HistoryEntry> sized = history.history("sized", 1000);
					long envelopes = sized.stream().mapToLong((entry) -> entry.envelope().length()).sum();
					assertThat(envelopes <= 4096 || sized.size() == 1).as("write %d keeps %d bytes", i, envelopes)
						.isTrue();
				}
				List<HistoryEntry> counted = history.history("counted", 1000);
				assertThat(counted.get(0).envelope()).contains("\"n\":999");
				assertThat(counted.get(19).envelope()).contains("\"n\":980");
				for (int i = 0; i < counted.size() - 1; i++) {
					assertThat(counted.get(i).previousRevision()).isEqualTo(counted.get(i + 1).revision());
				}
				assertThat(history.history("sized", 1000)).hasSizeBetween(2, 999);
			});
	}

	@Test
	void rollbackPublishesTheOldDataAsANewRevisionAndSaysWhatItUndid() {
		this.runner.withPropertyValues("statesync.defaults.history=10").run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			StateHistory history = context.getBean(StateHistory.class);
			Settings settings = context.getBean(Settings.class);
			Revision good = publisher.publish("settings", Map.of("theme", "good", "maxUploadMb", 5));
			Revision bad = publisher.publish("settings", Map.of("theme", "bad", "maxUploadMb", 500));
			assertThat(settings.getTheme()).isEqualTo("bad");
			Revision restored = history.rollback("settings", good);
			assertThat(restored.isNewerThan(bad)).isTrue();
			// echoed on this node at once, through the revision gate
			assertThat(settings.getTheme()).isEqualTo("good");
			assertThat(settings.getMaxUploadMb()).isEqualTo(5);
			HistoryEntry entry = history.history("settings", 1).get(0);
			assertThat(entry.revision()).isEqualTo(restored);
			assertThat(entry.previousRevision()).isEqualTo(bad);
			assertThat(entry.operation()).isEqualTo(HistoryEntry.Operation.ROLLBACK);
			assertThat(entry.rollbackOf()).isEqualTo(good);
			assertThat(entry.nodeId()).isEqualTo("node-h");
			assertThat(entry.digest()).isEqualTo(history.entry("settings", good).orElseThrow().digest());
		});
	}

	@Test
	void rollbackOfAnEvictedRevisionNamesWhatTheHistoryHoldsAndItsBounds() {
		this.runner.withPropertyValues("statesync.topics.settings.history=3").run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			StateHistory history = context.getBean(StateHistory.class);
			Revision first = publisher.publish("settings", Map.of("maxUploadMb", 1));
			for (int i = 2; i <= 5; i++) {
				publisher.publish("settings", Map.of("maxUploadMb", i));
			}
			Revision current = history.history("settings", 1).get(0).revision();
			assertThatExceptionOfType(HistoryEntryNotFoundException.class)
				.isThrownBy(() -> history.rollback("settings", first))
				.withMessageContaining("no revision " + first)
				.withMessageContaining("3 newest writes")
				.withMessageContaining("to " + current)
				.withMessageContaining("'statesync.topics.settings.history'")
				.satisfies((ex) -> assertThat(ex.getRevision()).isEqualTo(first));
			assertThat(history.history("settings", 10)).hasSize(3);
			assertThat(history.history("settings", 1).get(0).revision()).isEqualTo(current);
		});
	}

	@Test
	void everyWriteLogsOneAuditLineWithThePrincipal(CapturedOutput output) {
		this.runner.withPropertyValues("statesync.topics.settings.history=5").run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			StateHistory history = context.getBean(StateHistory.class);
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice smith", "n/a", List.of()));
			try {
				Revision first = publisher.publish("settings", Map.of("theme", "one"));
				PublishResult cas = publisher.publishIfCurrent("settings", first, Map.of("theme", "two"));
				PublishResult conflict = publisher.publishIfCurrent("settings", first, Map.of("theme", "three"));
				Revision rolledBack = history.rollback("settings", first);
				HistoryEntry entry = history.history("settings", 1).get(0);
				assertThat(entry.principal()).isEqualTo("alice smith");
				assertThat(output.getOut())
					.contains("statesync audit: operation=publish outcome=written topic=settings " + "revision=" + first
							+ " previous=0 node=node-h principal=\"alice smith\" size=");
				assertThat(output.getOut())
					.contains("operation=compare-and-set outcome=written topic=settings revision=" + cas.revision()
							+ " previous=" + first + " expected=" + first + " node=node-h");
				assertThat(output.getOut()).contains("operation=compare-and-set outcome=conflict topic=settings "
						+ "revision=- previous=" + conflict.revision() + " expected=" + first);
				assertThat(output.getOut()).contains("operation=rollback outcome=written topic=settings revision="
						+ rolledBack + " previous=" + cas.revision() + " rollback-of=" + first
						+ " node=node-h principal=\"alice smith\" size=" + entry.size() + " digest=" + entry.digest());
				assertThat(output.getOut().lines().filter((line) -> line.contains("statesync audit:"))).hasSize(4);
			}
			finally {
				SecurityContextHolder.clearContext();
			}
		});
	}

	@Test
	void endpointListsHistoryWithoutDataByDefaultAndRefusesDiffsAndRollbacks() {
		this.runner.withPropertyValues("statesync.topics.settings.history=5").run((context) -> {
			StatePublisher publisher = context.getBean(StatePublisher.class);
			StateSyncEndpointWebExtension endpoint = context.getBean(StateSyncEndpointWebExtension.class);
			Revision first = publisher.publish("settings", Map.of("theme", "one"));
			publisher.publish("settings", Map.of("theme", "two"));
			WebEndpointResponse<Object> listed = endpoint.history(caller(null), "settings", "history", null, null,
					null);
			assertThat(listed.getStatus()).isEqualTo(200);
			HistoryDescriptor body = (HistoryDescriptor) listed.getBody();
			assertThat(body.keeps()).isEqualTo(5);
			assertThat(body.keepsBytes()).isEqualTo(1024 * 1024);
			assertThat(body.dataShown()).isFalse();
			assertThat(body.entries()).hasSize(2).allSatisfy((entry) -> assertThat(entry.data()).isNull());
			assertThat(body.entries().get(1).revision()).isEqualTo(first.toString());
			WebEndpointResponse<Object> diff = endpoint.history(caller("op"), "settings", "history", null,
					first.toString(), null);
			assertThat(diff.getStatus()).isEqualTo(403);
			assertThat(((HistoryError) diff.getBody()).error()).contains("statesync.history-endpoint.show-data");
			WebEndpointResponse<Object> rollback = endpoint.rollback(caller("op"), "settings", "rollback",
					first.toString());
			assertThat(rollback.getStatus()).isEqualTo(403);
			assertThat(((HistoryError) rollback.getBody()).error())
				.contains("statesync.history-endpoint.rollback-enabled=true");
			assertThat(endpoint.history(caller(null), "settings", "other", null, null, null).getStatus())
				.isEqualTo(404);
		});
	}

	@Test
	void endpointShowsDataAndDiffsToAuthorizedCallersAndRollsBackForTheirRole() {
		this.runner
			.withPropertyValues("statesync.topics.settings.history=5",
					"statesync.history-endpoint.show-data=WHEN_AUTHORIZED", "statesync.history-endpoint.roles=OPERATOR",
					"statesync.history-endpoint.rollback-enabled=true")
			.run((context) -> {
				StatePublisher publisher = context.getBean(StatePublisher.class);
				StateSyncEndpointWebExtension endpoint = context.getBean(StateSyncEndpointWebExtension.class);
				Revision first = publisher.publish("settings", Map.of("theme", "one", "features", Map.of("a", true)));
				Revision second = publisher.publish("settings", Map.of("theme", "two", "features", Map.of("b", false)));
				HistoryDescriptor anonymous = (HistoryDescriptor) endpoint
					.history(caller(null), "settings", "history", null, null, null)
					.getBody();
				assertThat(anonymous.dataShown()).isFalse();
				HistoryDescriptor operator = (HistoryDescriptor) endpoint
					.history(caller("op", "OPERATOR"), "settings", "history", 1, null, null)
					.getBody();
				assertThat(operator.dataShown()).isTrue();
				assertThat(operator.entries()).singleElement()
					.satisfies((entry) -> assertThat(entry.data().get("theme").asString()).isEqualTo("two"));
				DiffDescriptor diff = (DiffDescriptor) endpoint
					.history(caller("op", "OPERATOR"), "settings", "history", null, first.toString(), null)
					.getBody();
				assertThat(diff.to()).isEqualTo(second.toString());
				List<String> operations = new ArrayList<>();
				diff.patch().forEach((operation) -> operations.add(JsonMapper.shared().writeValueAsString(operation)));
				assertThat(operations).containsExactlyInAnyOrder(
						"{\"op\":\"replace\",\"path\":\"/theme\",\"value\":\"two\"}",
						"{\"op\":\"remove\",\"path\":\"/features/a\"}",
						"{\"op\":\"add\",\"path\":\"/features/b\",\"value\":false}");
				assertThat(endpoint.rollback(caller("dev", "DEVELOPER"), "settings", "rollback", first.toString())
					.getStatus()).isEqualTo(403);
				WebEndpointResponse<Object> rolledBack = endpoint.rollback(caller("op", "OPERATOR"), "settings",
						"rollback", first.toString());
				assertThat(rolledBack.getStatus()).isEqualTo(200);
				RollbackDescriptor written = (RollbackDescriptor) rolledBack.getBody();
				assertThat(written.rollbackOf()).isEqualTo(first.toString());
				assertThat(Revision.parse(written.revision()).isNewerThan(second)).isTrue();
				assertThat(context.getBean(Settings.class).getTheme()).isEqualTo("one");
				WebEndpointResponse<Object> unknown = endpoint.rollback(caller("op", "OPERATOR"), "settings",
						"rollback", "12");
				assertThat(unknown.getStatus()).isEqualTo(404);
				assertThat(((HistoryError) unknown.getBody()).error()).contains("no revision 12");
				assertThat(endpoint.rollback(caller("op", "OPERATOR"), "settings", "rollback", "01").getStatus())
					.isEqualTo(400);
			});
	}

	@Test
	void aStateHistoryOfTheApplicationReplacesTheAutoConfiguredOne() {
		StateHistory own = new StateHistory() {

			@Override
			public List<HistoryEntry> history(String topic, int limit) {
				return List.of();
			}

			@Override
			public Optional<HistoryEntry> entry(String topic, Revision revision) {
				return Optional.empty();
			}

			@Override
			public Revision rollback(String topic, Revision revision) {
				return revision;
			}

		};
		this.runner.withBean(StateHistory.class, () -> own)
			.run((context) -> assertThat(context).getBean(StateHistory.class).isSameAs(own));
	}

	@Test
	void negativeHistoryFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("statesync.topics.settings.history=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("statesync.topics.settings.history"));
	}

	private static SecurityContext caller(@Nullable String name, String... roles) {
		Set<String> held = Set.of(roles);
		return new SecurityContext() {

			@Override
			public java.security.@Nullable Principal getPrincipal() {
				return (name != null) ? () -> name : null;
			}

			@Override
			public boolean isUserInRole(String role) {
				return held.contains(role);
			}

		};
	}

}
