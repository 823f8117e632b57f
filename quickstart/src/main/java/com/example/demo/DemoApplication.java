package com.example.demo;

import java.util.Map;

import io.github.statesync.boot.SyncedTopic;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
public class DemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(DemoApplication.class, args);
	}

	@Bean
	@SyncedTopic("settings")
	Settings settings() {
		return new Settings("light", 10, Map.of()); // the defaults until the first
													// snapshot
	}

}
