package io.github.statesync.benchmarks.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * Appends one JSON line per scenario result to {@code results.jsonl}.
 *
 * @author statesync
 */
public final class ResultsFile {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final Path path;

	private final RunInfo run;

	/**
	 * Create a writer for the results of one run.
	 * @param path the file, created with its parent directories when missing
	 * @param run the run the results come from
	 */
	public ResultsFile(Path path, RunInfo run) {
		this.path = path;
		this.run = run;
	}

	/**
	 * Append a result, with the run's fields.
	 * @param result the result
	 */
	public void append(ScenarioResult result) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("scenario", result.scenario());
		line.putAll(result.fields());
		line.putAll(this.run.fields());
		try {
			Files.createDirectories(this.path.toAbsolutePath().getParent());
			Files.writeString(this.path, mapper.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot append to " + this.path, ex);
		}
	}

}
