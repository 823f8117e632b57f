package io.github.statesync.boot.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A raw HTTP/1.0 client of the event stream (no chunking to undo), reading frames on its
 * own thread, or not reading at all to play a slow client.
 */
final class SseTestClient implements AutoCloseable {

	/** One server-sent event: its id and data, or a comment, and when it arrived. */
	record Frame(String id, String data, String comment, long receivedNanos) {

	}

	private final Socket socket;

	private final List<Frame> frames = new CopyOnWriteArrayList<>();

	private final List<String> statusAndHeaders = new CopyOnWriteArrayList<>();

	private volatile boolean ended;

	private SseTestClient(Socket socket) {
		this.socket = socket;
	}

	/**
	 * Open a stream and read it on a new thread.
	 */
	static SseTestClient open(int port, String pathAndQuery, Map<String, String> headers) throws IOException {
		SseTestClient client = connect(port, pathAndQuery, headers, 0);
		Thread reader = new Thread(client::read, "sse-test-client");
		reader.setDaemon(true);
		reader.start();
		return client;
	}

	/**
	 * Open a stream and never read it, with a small receive buffer: the server's writes
	 * back up quickly.
	 */
	static SseTestClient openWithoutReading(int port, String pathAndQuery) throws IOException {
		return connect(port, pathAndQuery, Map.of(), 1024);
	}

	private static SseTestClient connect(int port, String pathAndQuery, Map<String, String> headers, int receiveBuffer)
			throws IOException {
		Socket socket = new Socket();
		if (receiveBuffer > 0) {
			socket.setReceiveBufferSize(receiveBuffer);
		}
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		StringBuilder request = new StringBuilder(
				"GET " + pathAndQuery + " HTTP/1.0\r\nHost: localhost\r\n" + "Accept: text/event-stream\r\n");
		headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
		request.append("\r\n");
		OutputStream out = socket.getOutputStream();
		out.write(request.toString().getBytes(StandardCharsets.UTF_8));
		out.flush();
		return new SseTestClient(socket);
	}

	private void read() {
		try {
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
			String line;
			while ((line = reader.readLine()) != null && !line.isEmpty()) {
				this.statusAndHeaders.add(line);
			}
			String id = null;
			List<String> data = new ArrayList<>();
			String comment = null;
			while ((line = reader.readLine()) != null) {
				if (line.isEmpty()) {
					if (!data.isEmpty() || comment != null) {
						this.frames.add(new Frame(id, data.isEmpty() ? null : String.join("\n", data), comment,
								System.nanoTime()));
					}
					id = null;
					data.clear();
					comment = null;
				}
				else if (line.startsWith(":")) {
					comment = line.substring(1).trim();
				}
				else if (line.startsWith("id: ")) {
					id = line.substring(4);
				}
				else if (line.startsWith("data: ")) {
					data.add(line.substring(6));
				}
			}
		}
		catch (IOException ex) {
			// closed
		}
		finally {
			this.ended = true;
		}
	}

	List<String> statusAndHeaders() {
		return this.statusAndHeaders;
	}

	/** Events with data, in order. */
	List<Frame> events() {
		return this.frames.stream().filter((frame) -> frame.data() != null).toList();
	}

	List<String> comments() {
		return this.frames.stream().map(Frame::comment).filter((comment) -> comment != null).toList();
	}

	boolean ended() {
		return this.ended;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
