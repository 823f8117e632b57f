package io.github.statesync.benchmarks.propagation;

import java.util.Map;

import io.github.statesync.benchmarks.support.LatencyRecorder;

/**
 * One way of getting a writer's state to a reader in another client: a writer and a
 * reader with connections and event loops of their own.
 *
 * @author statesync
 */
public interface PropagationTarget extends AutoCloseable {

	/**
	 * Return the target's name in results.
	 * @return the name
	 */
	String name();

	/**
	 * Connect the writer and the reader and store write {@code 0}, which the reader holds
	 * when this method returns. From then on the reader reports every write it holds to
	 * the recorder.
	 * @param recorder where the reader reports
	 * @throws Exception if setting up failed
	 */
	void open(LatencyRecorder recorder) throws Exception;

	/**
	 * Send write {@code index}; the caller recorded the instant just before.
	 * @param index the write, from 1
	 * @throws Exception if the write failed
	 */
	void write(int index) throws Exception;

	/**
	 * Return what the target counted while writing, beyond latencies.
	 * @return result fields, none by default
	 */
	default Map<String, Object> counters() {
		return Map.of();
	}

	/**
	 * Disconnect everything {@link #open} connected.
	 */
	@Override
	void close();

}
