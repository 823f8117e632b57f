package com.example.demo;

import java.util.Map;

import io.github.statesync.boot.SyncedValue;
import io.github.statesync.boot.test.AutoConfigureStateSync;
import io.github.statesync.boot.test.StateSyncFixture;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest
@AutoConfigureStateSync
class DemoApplicationTests {

	@Autowired
	StateSyncFixture statesync;

	@Autowired
	SyncedValue<Settings> settings;

	@Autowired
	SettingsController controller;

	@Test
	void appliesTheSettingsAnotherNodePublishes() {
		this.statesync.publish("settings", new Settings("dark", 25, Map.of("beta", true)));

		assertThat(this.settings.get().theme()).isEqualTo("dark");
	}

	@Test
	void switchesOneFeatureAndKeepsTheRest() {
		this.statesync.publish("settings", new Settings("dark", 25, Map.of("beta", true)));

		this.controller.switchFeature("search", true);

		assertThat(this.settings.get()).isEqualTo(new Settings("dark", 25, Map.of("beta", true, "search", true)));
	}

}
