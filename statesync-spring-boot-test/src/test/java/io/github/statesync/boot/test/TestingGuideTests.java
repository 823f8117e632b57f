package io.github.statesync.boot.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The examples of docs/testing.md are these tests, verbatim, so they compile and pass.
 */
class TestingGuideTests {

	private static final Path GUIDE = Path.of("..", "docs", "testing.md");

	private static final Path TESTS = Path.of("src", "test", "java");

	@ParameterizedTest
	@ValueSource(strings = { "io/github/statesync/boot/test/greeting/GreetingTests.java",
			"io/github/statesync/test/engine/PriceCacheTests.java" })
	void theGuideShowsTheExampleAsItIs(String example) throws IOException {
		String source = Files.readString(TESTS.resolve(example));

		assertThat(Files.readString(GUIDE)).contains("```java\n" + source + "```\n");
	}

}
