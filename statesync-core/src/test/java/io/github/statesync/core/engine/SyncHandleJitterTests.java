package io.github.statesync.core.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retry jitter must differ from JVM to JVM, or a fleet that loses its source retries in
 * lockstep.
 */
class SyncHandleJitterTests {

	@Test
	void defaultJitterDiffersBetweenJvms() throws Exception {
		String first = runProbe();
		String second = runProbe();
		assertThat(first.split(",")).hasSize(JitterProbe.RETRIES);
		assertThat(second).isNotEqualTo(first);
	}

	private static String runProbe() throws IOException, InterruptedException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				JitterProbe.class.getName())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).isZero();
		return new String(output, StandardCharsets.UTF_8).trim();
	}

}
