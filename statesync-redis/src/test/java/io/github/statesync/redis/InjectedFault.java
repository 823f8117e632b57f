package io.github.statesync.redis;

/**
 * A failure a test injected on purpose (a failing fetch, a throwing applier), so that
 * assertions can tell it from a real one.
 */
class InjectedFault extends RuntimeException {

	private static final long serialVersionUID = 1L;

	InjectedFault(String message) {
		super(message);
	}

}
