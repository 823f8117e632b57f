package io.github.statesync.boot.test.greeting;

import io.github.statesync.boot.SyncedTopic;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.springframework.stereotype.Component;

/**
 * The greeting, synced through the topic {@code greeting}; the values below are the
 * defaults until the first snapshot.
 */
@Component
@SyncedTopic("greeting")
public class Greeting {

	@NotBlank
	private String text = "Hello";

	@Min(1)
	@Max(3)
	private int exclamations = 1;

	public Greeting() {
	}

	public Greeting(String text, int exclamations) {
		this.text = text;
		this.exclamations = exclamations;
	}

	public String getText() {
		return this.text;
	}

	public void setText(String text) {
		this.text = text;
	}

	public int getExclamations() {
		return this.exclamations;
	}

	public void setExclamations(int exclamations) {
		this.exclamations = exclamations;
	}

}
