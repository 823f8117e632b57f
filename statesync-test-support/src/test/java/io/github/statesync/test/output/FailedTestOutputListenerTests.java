package io.github.statesync.test.output;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs the nested example classes through a JUnit Platform launcher of their own, with
 * the listener registered by hand, and checks what reaches the console and the log files.
 */
class FailedTestOutputListenerTests {

	@TempDir
	Path directory;

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	@Test
	void printsTheOutputOfTheFailingTestButNotOfThePassingOne() {
		TestExecutionSummary summary = run(Example.class, "failures");
		assertThat(summary.getTestsFailedCount()).isEqualTo(1);
		assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
		assertThat(console()).contains("Output of failed test")
			.contains("fails()")
			.contains("written by the failing test", "written by a thread of the failing test")
			.doesNotContain("written by the passing test")
			.doesNotContain("passes()");
	}

	@Test
	void pointsTheFailureAtTheClassLogThatKeepsEveryTestsOutput() {
		run(Example.class, "failures");
		Path log = this.directory.resolve(Example.class.getName() + ".log");
		assertThat(console()).contains(log.toAbsolutePath().toString());
		assertThat(log).content(Charset.defaultCharset())
			.contains("written by the passing test", "written by the failing test",
					"written by a thread of the failing test", "SUCCESSFUL", "FAILED", "the failing test failed");
	}

	@Test
	void printsTheOutputOfAClassWhoseSetupFailed() {
		TestExecutionSummary summary = run(FailingSetupExample.class, "failures");
		assertThat(summary.getContainersFailedCount()).isEqualTo(1);
		assertThat(console()).contains("Output of failed container").contains("written by the failing setup");
	}

	@Test
	void restoresTheSystemStreamsAfterTheRun() {
		PrintStream out = System.out;
		PrintStream err = System.err;
		run(Example.class, "failures");
		assertThat(System.out).isSameAs(out);
		assertThat(System.err).isSameAs(err);
	}

	@Test
	void leavesTheConsoleAloneUnlessSwitchedOn() {
		PrintStream out = System.out;
		TestExecutionSummary summary = run(Example.class, "all");
		assertThat(summary.getTestsFailedCount()).isEqualTo(1);
		assertThat(console()).isEmpty();
		assertThat(System.out).isSameAs(out);
		assertThat(this.directory).isEmptyDirectory();
	}

	@Test
	void keepsWhatIsWrittenAfterTheRunInALogFileAndHandsTheStreamsToTheNextRun() throws IOException {
		PrintStream out = System.out;
		PrintStream err = System.err;
		try {
			run(Example.class, "failures", true);
			assertThat(System.out).isNotSameAs(out);
			System.out.println("written after the run");
			run(Example.class, "failures", false);
			assertThat(System.out).isSameAs(out);
			assertThat(System.err).isSameAs(err);
		}
		finally {
			System.setOut(out);
			System.setErr(err);
		}
		assertThat(console()).doesNotContain("written after the run");
		try (Stream<Path> files = Files.list(this.directory)) {
			assertThat(files.filter((file) -> file.getFileName().toString().startsWith("outside-test-classes-")))
				.singleElement()
				.satisfies(
						(file) -> assertThat(file).content(Charset.defaultCharset()).contains("written after the run"));
		}
	}

	@Test
	void keepsTheLastBytesForReplayWhenATestWritesMoreThanTheLimit() {
		OutputCapture.TailBuffer buffer = new OutputCapture.TailBuffer(8);
		byte[] bytes = "0123456789abcdefghij".getBytes(Charset.defaultCharset());
		for (int i = 0; i < bytes.length; i += 3) {
			buffer.write(bytes, i, Math.min(3, bytes.length - i));
		}
		assertThat(buffer.toString()).hasSizeGreaterThanOrEqualTo(8);
		assertThat("0123456789abcdefghij").endsWith(buffer.toString());
		assertThat(buffer.dropped() + buffer.toString().length()).isEqualTo(bytes.length);
	}

	private TestExecutionSummary run(Class<?> testClass, String mode) {
		return run(testClass, mode, false);
	}

	private TestExecutionSummary run(Class<?> testClass, String mode, boolean keepCapturingAfterRun) {
		FailedTestOutputListener listener = new FailedTestOutputListener(
				new PrintStream(this.console, true, Charset.defaultCharset()), keepCapturingAfterRun);
		LauncherConfig config = LauncherConfig.builder()
			.enableTestExecutionListenerAutoRegistration(false)
			.addTestExecutionListeners(listener)
			.build();
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(selectClass(testClass))
			.configurationParameter(FailedTestOutputListener.MODE, mode)
			.configurationParameter(FailedTestOutputListener.DIRECTORY, this.directory.toString())
			.build();
		SummaryGeneratingListener summary = new SummaryGeneratingListener();
		LauncherFactory.create(config).execute(request, summary);
		return summary.getSummary();
	}

	private String console() {
		return this.console.toString(Charset.defaultCharset());
	}

	/**
	 * Run only by the tests above: Surefire skips nested classes, and Jupiter does not
	 * discover a nested class that is not {@code @Nested}.
	 */
	static class Example {

		@Test
		void passes() {
			System.out.println("written by the passing test");
		}

		@Test
		void fails() throws InterruptedException {
			System.err.println("written by the failing test");
			Thread thread = new Thread(() -> System.out.println("written by a thread of the failing test"));
			thread.start();
			thread.join();
			fail("the failing test failed");
		}

	}

	static class FailingSetupExample {

		@BeforeAll
		static void setUp() {
			System.out.println("written by the failing setup");
			throw new IllegalStateException("setup failed");
		}

		@Test
		void neverRuns() {
		}

	}

}
