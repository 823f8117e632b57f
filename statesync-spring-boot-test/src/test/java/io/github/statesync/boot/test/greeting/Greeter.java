package io.github.statesync.boot.test.greeting;

import org.springframework.stereotype.Service;

/**
 * Greets with the current {@link Greeting}.
 */
@Service
public class Greeter {

	private final Greeting greeting;

	public Greeter(Greeting greeting) {
		this.greeting = greeting;
	}

	public String greet(String name) {
		return this.greeting.getText() + ", " + name + "!".repeat(this.greeting.getExclamations());
	}

}
