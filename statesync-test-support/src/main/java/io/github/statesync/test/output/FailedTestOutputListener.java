package io.github.statesync.test.output;

import java.io.PrintStream;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Keeps a test run's console readable without losing a line of diagnostics: while it is
 * on, everything the tests write to {@code System.out} and {@code System.err} (their logs
 * included, from any thread) goes to one file per test class, and the console shows only
 * the output of a test or container that failed, printed as it finishes, between a header
 * naming it and the class's log file and a footer.
 * <p>
 * It is registered with the JUnit Platform through {@code META-INF/services}, and off
 * unless the configuration parameter (or system property) {@value #MODE} is
 * {@code failures}: an IDE run, or a user's build that has this module on its test
 * classpath, prints everything as before. statesync's build turns it on for Surefire and
 * Failsafe; {@code -Dstatesync.test.output=all} turns it off for one run. The log files
 * go to {@value #DIRECTORY}, {@code target/test-output} by default; what is written
 * outside any test class, and after the run (the closing of cached Spring test contexts
 * when the JVM exits), goes to {@code outside-test-classes-<pid>.log} there.
 * <p>
 * Output is attributed by time, not by thread: a line a background thread writes belongs
 * to the test running when it is written. Tests must therefore run one at a time in the
 * JVM; when JUnit Jupiter's parallel execution is enabled the listener stays off.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class FailedTestOutputListener implements TestExecutionListener {

	/**
	 * Configuration parameter choosing what the console shows: {@code failures} or
	 * {@code all} (the default).
	 */
	public static final String MODE = "statesync.test.output";

	/**
	 * Configuration parameter naming the directory of the per-class log files.
	 */
	public static final String DIRECTORY = "statesync.test.output.dir";

	private static final String PARALLEL = "junit.jupiter.execution.parallel.enabled";

	private final @Nullable PrintStream console;

	private final boolean keepCapturingAfterRun;

	private @Nullable OutputCapture capture;

	/**
	 * Create a listener that prints failed tests' output to the {@code System.out} in use
	 * when the test plan starts, and keeps what is written after the plan (the shutdown
	 * of cached Spring test contexts, for one) in a log file until the JVM exits.
	 */
	public FailedTestOutputListener() {
		this(null, true);
	}

	FailedTestOutputListener(@Nullable PrintStream console, boolean keepCapturingAfterRun) {
		this.console = console;
		this.keepCapturingAfterRun = keepCapturingAfterRun;
	}

	@Override
	public void testPlanExecutionStarted(TestPlan testPlan) {
		ConfigurationParameters parameters = testPlan.getConfigurationParameters();
		String mode = parameters.get(MODE).map(String::trim).orElse("all");
		if (mode.equals("all")) {
			return;
		}
		PrintStream target = (this.console != null) ? this.console : System.out;
		if (!mode.equals("failures")) {
			target.println("[statesync] " + MODE + "=" + mode + " is not 'failures' or 'all': printing all output");
			return;
		}
		if (parameters.getBoolean(PARALLEL).orElse(false)) {
			target.println(
					"[statesync] tests run in parallel, so their output cannot be told apart: printing all output");
			return;
		}
		Path directory = Path.of(parameters.get(DIRECTORY).orElse("target/test-output"));
		this.capture = OutputCapture.install(testPlan, directory, this.console);
	}

	@Override
	public void executionStarted(TestIdentifier testIdentifier) {
		if (this.capture != null) {
			this.capture.started(testIdentifier);
		}
	}

	@Override
	public void executionFinished(TestIdentifier testIdentifier, TestExecutionResult testExecutionResult) {
		if (this.capture != null) {
			this.capture.finished(testIdentifier, testExecutionResult);
		}
	}

	@Override
	public void testPlanExecutionFinished(TestPlan testPlan) {
		if (this.capture != null) {
			this.capture.finish(this.keepCapturingAfterRun);
			this.capture = null;
		}
	}

}
