package io.github.statesync.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's Quickstart is this module: every Java snippet of the README is one of its
 * source files, verbatim, and every file of the application and its test is in the
 * README; the dependencies the README lists are the ones this module builds with. So the
 * Quickstart compiles, runs (TwoInstancesTests) and passes its test as pasted.
 */
class QuickstartReadmeTests {

	private static final Path README = Path.of("..", "README.md");

	private static final Pattern JAVA_SNIPPET = Pattern.compile("```java\n(.*?)```\n", Pattern.DOTALL);

	private static final Pattern XML_SNIPPET = Pattern.compile("```xml\n(.*?)```\n", Pattern.DOTALL);

	private static final Pattern DEPENDENCIES = Pattern.compile(
			"<!-- quickstart:dependencies[^>]*-->\n(.*?)\n\\s*<!-- end of quickstart:dependencies -->", Pattern.DOTALL);

	@Test
	void everyJavaSnippetOfTheReadmeIsASourceFileOfTheQuickstart() throws IOException {
		List<String> sources = quickstartSources();

		assertThat(snippets(JAVA_SNIPPET)).isNotEmpty().allSatisfy((snippet) -> assertThat(sources).contains(snippet));
	}

	@Test
	void everySourceFileOfTheQuickstartIsInTheReadme() throws IOException {
		List<String> snippets = snippets(JAVA_SNIPPET);

		assertThat(quickstartSources()).hasSize(5).allSatisfy((source) -> assertThat(snippets).contains(source));
	}

	@Test
	void theReadmeListsTheDependenciesTheQuickstartBuildsWith() throws IOException {
		Matcher dependencies = DEPENDENCIES.matcher(Files.readString(Path.of("pom.xml")));
		assertThat(dependencies.find()).as("the dependency block in quickstart/pom.xml").isTrue();
		String block = dedent(dependencies.group(1));

		assertThat(snippets(XML_SNIPPET)).contains(block);
		assertThat(block).contains("<version>" + System.getProperty("statesync.version") + "</version>");
	}

	private static List<String> snippets(Pattern fence) throws IOException {
		Matcher matcher = fence.matcher(Files.readString(README));
		List<String> snippets = new ArrayList<>();
		while (matcher.find()) {
			snippets.add(matcher.group(1));
		}
		return snippets;
	}

	/**
	 * The application's sources and its test (the test of the two instances is not part
	 * of the Quickstart).
	 */
	private static List<String> quickstartSources() throws IOException {
		List<Path> files = new ArrayList<>();
		try (Stream<Path> main = Files.list(Path.of("src", "main", "java", "com", "example", "demo"))) {
			main.forEach(files::add);
		}
		files.add(Path.of("src", "test", "java", "com", "example", "demo", "DemoApplicationTests.java"));
		List<String> sources = new ArrayList<>();
		for (Path file : files) {
			sources.add(Files.readString(file));
		}
		return sources;
	}

	private static String dedent(String block) {
		String[] lines = block.split("\n", -1);
		int indent = Integer.MAX_VALUE;
		for (String line : lines) {
			if (!line.isBlank()) {
				indent = Math.min(indent, line.length() - line.stripLeading().length());
			}
		}
		StringBuilder dedented = new StringBuilder();
		for (String line : lines) {
			dedented.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
		}
		return dedented.toString();
	}

}
