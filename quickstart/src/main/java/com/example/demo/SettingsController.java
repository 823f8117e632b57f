package com.example.demo;

import java.util.concurrent.TimeUnit;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishResult;
import io.github.statesync.core.publish.StatePublisher;
import jakarta.validation.Valid;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SettingsController {

	private final SyncedValue<Settings> settings;

	private final StatePublisher publisher;

	SettingsController(SyncedValue<Settings> settings, StatePublisher publisher) {
		this.settings = settings;
		this.publisher = publisher;
	}

	@GetMapping("/settings")
	Settings settings() {
		return this.settings.get(); // this node's copy: no I/O
	}

	@PutMapping("/settings")
	Revision replace(@Valid @RequestBody Settings settings) {
		return this.publisher.publish("settings", settings); // all or nothing
	}

	@PutMapping("/settings/features/{feature}")
	Revision switchFeature(@PathVariable String feature, @RequestBody boolean enabled) {
		while (true) { // compare and set: a concurrent writer's change is never lost
			SyncedValue.Snapshot<Settings> current = this.settings.snapshot();
			Settings next = current.value().withFeature(feature, enabled);
			PublishResult result = this.publisher.publishIfCurrent("settings", current.revision(), next);
			if (result.published()) {
				return result.revision();
			}
			// another node wrote first: wait until its write is applied here, then retry
			// on it
			this.settings.whenApplied(result.revision()).orTimeout(5, TimeUnit.SECONDS).join();
		}
	}

}
