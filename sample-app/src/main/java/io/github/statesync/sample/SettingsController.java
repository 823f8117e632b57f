package io.github.statesync.sample;

import java.util.Map;
import java.util.stream.Collectors;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishException;
import io.github.statesync.core.publish.StatePublisher;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /settings} answers this instance's view; {@code PUT /settings} publishes new
 * settings to every instance.
 *
 * @author statesync
 */
@RestController
class SettingsController {

	private final SyncedValue<Settings> settings;

	private final StatePublisher publisher;

	SettingsController(SyncedValue<Settings> settings, StatePublisher publisher) {
		this.settings = settings;
		this.publisher = publisher;
	}

	@GetMapping("/settings")
	Map<String, Object> get() {
		// one atomic read: revision and data of the same snapshot
		SyncedValue.Snapshot<Settings> current = this.settings.snapshot();
		return Map.of("revision", current.revision().toString(), "data", current.value());
	}

	@PutMapping("/settings")
	Map<String, String> put(@Valid @RequestBody SettingsUpdate update) {
		Revision revision = this.publisher.publish("settings", update);
		return Map.of("revision", revision.toString());
	}

	@ExceptionHandler(MethodArgumentNotValidException.class)
	ProblemDetail invalid(MethodArgumentNotValidException ex) {
		String details = ex.getBindingResult()
			.getFieldErrors()
			.stream()
			.map((error) -> error.getField() + " " + error.getDefaultMessage())
			.sorted()
			.collect(Collectors.joining(", "));
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"Settings were not published: " + details);
		problem.setTitle("Invalid settings");
		return problem;
	}

	@ExceptionHandler(HttpMessageNotReadableException.class)
	ProblemDetail unreadable(HttpMessageNotReadableException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"Settings were not published: the body is not a settings JSON document "
						+ "({\"theme\":string, \"maxUploadMb\":integer, \"features\":{string:boolean}})");
		problem.setTitle("Invalid settings");
		return problem;
	}

	@ExceptionHandler(PublishException.class)
	ProblemDetail notPublished(PublishException ex) {
		// the reason says whose move it is: the caller's (too large, invalid) or the
		// store's (unreachable, no answer in time, refused: the message names its answer)
		ProblemDetail problem = switch (ex.getReason()) {
			case TOO_LARGE -> problem(HttpStatus.CONTENT_TOO_LARGE, "Settings too large", ex);
			case INVALID -> problem(HttpStatus.BAD_REQUEST, "Invalid settings", ex);
			case UNAVAILABLE, TIMEOUT -> problem(HttpStatus.SERVICE_UNAVAILABLE, "Store unavailable", ex);
			case REFUSED -> problem(HttpStatus.SERVICE_UNAVAILABLE, "Store refused the write", ex);
		};
		return problem;
	}

	private static ProblemDetail problem(HttpStatus status, String title, PublishException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status,
				"Settings were not published: " + ex.getMessage());
		problem.setTitle(title);
		return problem;
	}

	/**
	 * A full settings document, as {@code PUT /settings} accepts it.
	 *
	 * @param theme the theme
	 * @param maxUploadMb the upload limit in megabytes
	 * @param features feature switches by name
	 */
	record SettingsUpdate(@NotBlank String theme, @NotNull @Min(1) @Max(10240) Integer maxUploadMb,
			@NotNull Map<String, Boolean> features) {

	}

}
