package io.github.statesync.boot.web;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.github.statesync.core.protocol.Revision;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;

/**
 * An event stream over an asynchronous servlet response in non-blocking mode: frames are
 * written only while {@link ServletOutputStream#isReady()}, and the container calls back
 * when the client has taken what was written. No thread waits on a slow client.
 *
 * @author statesync
 */
final class ServletEventStream extends EventStream implements WriteListener, AsyncListener {

	private final AsyncContext async;

	private final ServletOutputStream out;

	// guarded by this: writes start once the container said the stream is writable
	private boolean writable;

	ServletEventStream(List<String> topics, Map<String, Revision> lastEventId, InvalidationStreams owner,
			AsyncContext async, ServletOutputStream out) {
		super(topics, lastEventId, owner.bufferSize(), owner);
		this.async = async;
		this.out = out;
	}

	@Override
	boolean canWrite() {
		// isReady() before the write listener is set would be an error
		return this.writable && this.out.isReady();
	}

	@Override
	void write(byte[] frame) throws IOException {
		this.out.write(frame);
	}

	@Override
	void flush() throws IOException {
		this.out.flush();
	}

	@Override
	void end() {
		try {
			this.async.complete();
		}
		catch (RuntimeException ex) {
			// already completed by the container (client gone, error)
		}
	}

	@Override
	public void onWritePossible() {
		synchronized (this) {
			this.writable = true;
		}
		flushQueue();
	}

	@Override
	public void onError(Throwable failure) {
		close(Closing.CLIENT);
	}

	@Override
	public void onComplete(AsyncEvent event) {
		close(Closing.CLIENT);
	}

	@Override
	public void onTimeout(AsyncEvent event) {
		close(Closing.CLIENT);
	}

	@Override
	public void onError(AsyncEvent event) {
		close(Closing.CLIENT);
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

}
