package io.github.statesync.boot.autoconfigure;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.statesync.boot.autoconfigure.rest.StateSyncRestAutoConfiguration;
import io.github.statesync.boot.autoconfigure.rest.StateSyncRestClientCustomizer;
import io.github.statesync.boot.sync.SyncedTopicRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the REST provider authenticates to the owning service, against a real HTTP server
 * that records what it receives, and what happens to credentials put in a URL.
 */
@ExtendWith(OutputCaptureExtension.class)
class StateSyncRestAuthenticationTests {

	private static final String PASSWORD = "S3cretPass";

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private final List<String> tenants = new CopyOnWriteArrayList<>();

	private HttpServer owner;

	private ApplicationContextRunner runner;

	@BeforeEach
	void startOwner() throws IOException {
		this.owner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.owner.createContext("/", this::answer);
		this.owner.start();
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, StateSyncAutoConfiguration.class,
					StateSyncRestAutoConfiguration.class))
			.withPropertyValues("statesync.transport=LOCAL", "statesync.topics.pricing.url=" + ownerUrl(),
					"statesync.topics.pricing.required=true", "statesync.startup-timeout=10s");
	}

	@AfterEach
	void stopOwner() {
		this.owner.stop(0);
	}

	@Test
	void sendsBasicCredentialsFromTheTopicsAuthProperties() {
		this.runner
			.withPropertyValues("statesync.topics.pricing.auth.username=admin",
					"statesync.topics.pricing.auth.password=" + PASSWORD)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(this.authorizations).isNotEmpty()
					.allMatch((header) -> header.equals("Basic " + Base64.getEncoder()
						.encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8))));
			});
	}

	@Test
	void sendsABearerTokenFromTheDefaults() {
		this.runner.withPropertyValues("statesync.defaults.auth.bearer-token=t0ken").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.authorizations).isNotEmpty().allMatch("Bearer t0ken"::equals);
		});
	}

	@Test
	void restClientCustomizerRunsAfterTheProperties() {
		this.runner.withPropertyValues("statesync.topics.pricing.auth.bearer-token=from-properties")
			.withBean(StateSyncRestClientCustomizer.class,
					() -> (topic, builder) -> builder.defaultHeader("X-Tenant", "tenant-of-" + topic)
						.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer from-code"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(this.authorizations).isNotEmpty().allMatch("Bearer from-code"::equals);
				assertThat(this.tenants).isNotEmpty().allMatch("tenant-of-pricing"::equals);
			});
	}

	@Test
	void sendsNoCredentialsByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.authorizations).containsOnly("");
		});
	}

	@Test
	void refusesCredentialsInTheUrlAndPointsToTheAuthPropertiesWithoutShowingThem(CapturedOutput output) {
		this.runner
			.withPropertyValues("statesync.topics.pricing.url=http://admin:" + PASSWORD + "@127.0.0.1:"
					+ this.owner.getAddress().getPort())
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("statesync.topics.pricing.url")
					.contains("statesync.topics.pricing.auth.username")
					.contains("statesync.topics.pricing.auth.bearer-token")
					.contains("http://******@127.0.0.1:")
					.doesNotContain(PASSWORD);
				for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
					assertThat(String.valueOf(cause.getMessage())).doesNotContain(PASSWORD);
				}
				assertThat(this.authorizations).isEmpty();
			});
		assertThat(output).doesNotContain(PASSWORD);
	}

	@Test
	void refusesAuthPropertiesThatContradictEachOther() {
		this.runner.withPropertyValues("statesync.topics.pricing.auth.bearer-token=t0ken",
				"statesync.topics.pricing.auth.username=admin", "statesync.topics.pricing.auth.password=" + PASSWORD)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new StateSyncFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("statesync.topics.pricing.auth.bearer-token")
					.doesNotContain(PASSWORD)
					.doesNotContain("t0ken");
			});
	}

	@Test
	void topicSettingsNeverShowTheSecrets() {
		this.runner
			.withPropertyValues("statesync.topics.pricing.auth.username=admin",
					"statesync.topics.pricing.auth.password=" + PASSWORD)
			.run((context) -> {
				String settings = String.valueOf(context.getBean(SyncedTopicRegistry.class).settings("pricing"));
				assertThat(settings).contains("admin").doesNotContain(PASSWORD);
			});
	}

	private String ownerUrl() {
		return "http://127.0.0.1:" + this.owner.getAddress().getPort();
	}

	private void answer(HttpExchange exchange) throws IOException {
		this.authorizations
			.add(String.valueOf(exchange.getRequestHeaders().getFirst(HttpHeaders.AUTHORIZATION)).replace("null", ""));
		String tenant = exchange.getRequestHeaders().getFirst("X-Tenant");
		if (tenant != null) {
			this.tenants.add(tenant);
		}
		byte[] body = "{\"revision\":\"1\",\"data\":{\"price\":1}}".getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
