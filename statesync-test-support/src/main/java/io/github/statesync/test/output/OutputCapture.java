package io.github.statesync.test.output;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * The capture behind {@link FailedTestOutputListener}: replaces {@code System.out} and
 * {@code System.err} with one sink that appends every byte to the log file of the running
 * test class and to an in-memory buffer of the innermost running test or container, and
 * replays that buffer on the console when it fails.
 *
 * @author statesync
 */
final class OutputCapture {

	/**
	 * At most this much of one test's output is held for replay; the log file has all.
	 */
	static final int REPLAY_LIMIT = 1024 * 1024;

	/** The capture of a finished run that still holds the system streams, if any. */
	private static @Nullable OutputCapture afterRun;

	private final Object lock = new Object();

	private final TestPlan plan;

	private final Path directory;

	private final PrintStream console;

	private final PrintStream originalOut;

	private final PrintStream originalErr;

	private final PrintStream capturing;

	private final Deque<Segment> running = new ArrayDeque<>();

	private @Nullable LogFile sessionLog;

	private boolean installed = true;

	private boolean fileProblemReported;

	private OutputCapture(TestPlan plan, Path directory, @Nullable PrintStream console, PrintStream originalOut,
			PrintStream originalErr) {
		this.plan = plan;
		this.directory = directory;
		this.originalOut = originalOut;
		this.originalErr = originalErr;
		this.console = (console != null) ? console : originalOut;
		// one stream for both, so a line printed to one is never split by a line printed
		// to the other
		this.capturing = new PrintStream(new Sink(), true, Charset.defaultCharset());
	}

	/**
	 * Capture the system streams for one test plan.
	 * @param plan the plan about to run
	 * @param directory where the log files go
	 * @param console where failed tests' output goes, or {@code null} for the
	 * {@code System.out} in use before any capture
	 * @return the installed capture
	 */
	static OutputCapture install(TestPlan plan, Path directory, @Nullable PrintStream console) {
		synchronized (OutputCapture.class) {
			PrintStream out = System.out;
			PrintStream err = System.err;
			OutputCapture previous = afterRun;
			if (previous != null) {
				// a former run of this JVM still holds the streams: take over its
				// originals
				out = (out == previous.capturing) ? previous.originalOut : out;
				err = (err == previous.capturing) ? previous.originalErr : err;
				previous.release();
			}
			OutputCapture capture = new OutputCapture(plan, directory, console, out, err);
			System.setOut(capture.capturing);
			System.setErr(capture.capturing);
			return capture;
		}
	}

	void started(TestIdentifier identifier) {
		synchronized (this.lock) {
			Segment parent = this.running.peek();
			LogFile log = (parent != null) ? parent.log : null;
			boolean ownsLog = false;
			Optional<String> className = className(identifier);
			if (log == null && className.isPresent()) {
				log = open(this.directory.resolve(className.get() + ".log"));
				ownsLog = (log != null);
			}
			if (log != null) {
				log.line("---- " + now() + " started: " + describe(identifier) + " ----");
			}
			this.running.push(new Segment(identifier, log, ownsLog));
		}
	}

	void finished(TestIdentifier identifier, TestExecutionResult result) {
		synchronized (this.lock) {
			Segment segment = remove(identifier);
			if (segment == null) {
				return;
			}
			LogFile log = segment.log;
			if (log != null) {
				log.line("---- " + now() + " " + result.getStatus() + ": " + describe(identifier) + " ----");
				result.getThrowable().ifPresent((ex) -> log.line(stackTrace(ex)));
			}
			if (result.getStatus() == TestExecutionResult.Status.FAILED) {
				replay(segment);
			}
			if (segment.ownsLog && log != null) {
				log.close();
			}
		}
	}

	/**
	 * End the capture of the plan's tests.
	 * @param keepCapturing whether output written after the plan (by shutdown hooks, such
	 * as the closing of cached Spring test contexts) still goes to a log file rather than
	 * the console, until the JVM exits or the next plan starts
	 */
	void finish(boolean keepCapturing) {
		synchronized (OutputCapture.class) {
			synchronized (this.lock) {
				for (Segment segment : this.running) {
					if (segment.ownsLog && segment.log != null) {
						segment.log.close();
					}
				}
				this.running.clear();
			}
			if (keepCapturing) {
				afterRun = this;
			}
			else {
				release();
			}
		}
	}

	private void release() {
		synchronized (this.lock) {
			this.installed = false;
			if (System.out == this.capturing) {
				System.setOut(this.originalOut);
			}
			if (System.err == this.capturing) {
				System.setErr(this.originalErr);
			}
			if (this.sessionLog != null) {
				this.sessionLog.close();
				this.sessionLog = null;
			}
		}
		if (afterRun == this) {
			afterRun = null;
		}
	}

	private void replay(Segment segment) {
		String name = (segment.identifier.isTest() ? "test " : "container ") + describe(segment.identifier);
		String where = (segment.log != null) ? segment.log.path.toAbsolutePath().toString()
				: "not written, see the message above";
		if (segment.buffer.isEmpty()) {
			this.console.println("---- Failed " + name + " wrote no output; its class's log: " + where + " ----");
			this.console.flush();
			return;
		}
		this.console.println();
		this.console.println("---- Output of failed " + name + " (its class's whole log: " + where + ") ----");
		if (segment.buffer.dropped() > 0) {
			this.console.println("[... its first " + segment.buffer.dropped() + " bytes are only in the log file ...]");
		}
		segment.buffer.writeTo(this.console);
		if (!segment.buffer.endsWithNewline()) {
			this.console.println();
		}
		this.console.println("---- End of output of failed " + name + " ----");
		this.console.flush();
	}

	private @Nullable Segment remove(TestIdentifier identifier) {
		Iterator<Segment> segments = this.running.iterator();
		while (segments.hasNext()) {
			Segment segment = segments.next();
			if (segment.identifier.getUniqueIdObject().equals(identifier.getUniqueIdObject())) {
				segments.remove();
				return segment;
			}
		}
		return null;
	}

	private String describe(TestIdentifier identifier) {
		List<String> names = new ArrayList<>();
		Optional<TestIdentifier> current = Optional.of(identifier);
		while (current.isPresent() && current.get().getParentIdObject().isPresent()) {
			names.add(0, current.get().getDisplayName());
			current = this.plan.getParent(current.get());
		}
		return names.isEmpty() ? identifier.getDisplayName() : String.join(" > ", names);
	}

	private static Optional<String> className(TestIdentifier identifier) {
		return identifier.getSource()
			.filter(ClassSource.class::isInstance)
			.map((source) -> ((ClassSource) source).getClassName());
	}

	private static LocalTime now() {
		return LocalTime.now().truncatedTo(ChronoUnit.MILLIS);
	}

	private static String stackTrace(Throwable ex) {
		StringWriter writer = new StringWriter();
		ex.printStackTrace(new PrintWriter(writer));
		return writer.toString().stripTrailing();
	}

	private @Nullable LogFile session() {
		if (this.sessionLog == null) {
			this.sessionLog = open(
					this.directory.resolve("outside-test-classes-" + ProcessHandle.current().pid() + ".log"));
		}
		return this.sessionLog;
	}

	private @Nullable LogFile open(Path path) {
		try {
			Files.createDirectories(path.getParent());
			return new LogFile(path, Files.newOutputStream(path));
		}
		catch (IOException ex) {
			reportFileProblem(path, ex);
			return null;
		}
	}

	private void reportFileProblem(Path path, IOException ex) {
		if (!this.fileProblemReported) {
			this.fileProblemReported = true;
			this.console.println("[statesync] cannot write test output to " + path.toAbsolutePath() + " (" + ex
					+ "): only the output of failed tests is kept, on the console");
		}
	}

	/**
	 * Where {@code System.out} and {@code System.err} write while the capture is
	 * installed, from any thread.
	 */
	private final class Sink extends OutputStream {

		@Override
		public void write(int b) {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			synchronized (OutputCapture.this.lock) {
				if (!OutputCapture.this.installed) {
					// a stream someone kept after the run: let it through
					OutputCapture.this.originalOut.write(bytes, offset, length);
					return;
				}
				Segment top = OutputCapture.this.running.peek();
				if (top != null) {
					top.buffer.write(bytes, offset, length);
				}
				LogFile log = (top != null && top.log != null) ? top.log : session();
				if (log != null) {
					log.write(bytes, offset, length);
				}
			}
		}

	}

	/**
	 * One running test or container: its own output, and the log file of its class.
	 */
	private static final class Segment {

		final TestIdentifier identifier;

		final @Nullable LogFile log;

		final boolean ownsLog;

		final TailBuffer buffer = new TailBuffer(REPLAY_LIMIT);

		Segment(TestIdentifier identifier, @Nullable LogFile log, boolean ownsLog) {
			this.identifier = identifier;
			this.log = log;
			this.ownsLog = ownsLog;
		}

	}

	/**
	 * A log file, written through without buffering, so a JVM that dies mid-test (a fork
	 * timeout, {@code System.exit}) leaves every line it wrote.
	 */
	private final class LogFile {

		final Path path;

		private final OutputStream out;

		private boolean broken;

		LogFile(Path path, OutputStream out) {
			this.path = path;
			this.out = out;
		}

		void line(String text) {
			byte[] bytes = (text + System.lineSeparator()).getBytes(Charset.defaultCharset());
			write(bytes, 0, bytes.length);
		}

		void write(byte[] bytes, int offset, int length) {
			if (this.broken) {
				return;
			}
			try {
				this.out.write(bytes, offset, length);
			}
			catch (IOException ex) {
				this.broken = true;
				reportFileProblem(this.path, ex);
			}
		}

		void close() {
			try {
				this.out.close();
			}
			catch (IOException ex) {
				reportFileProblem(this.path, ex);
			}
		}

	}

	/**
	 * The last bytes written, at least {@code limit} of them once that many came: older
	 * ones are dropped (and counted) in batches, so a chatty test costs amortised
	 * constant time per write and bounded memory.
	 */
	static final class TailBuffer {

		private final int limit;

		private byte[] bytes = new byte[0];

		private int size;

		private long dropped;

		TailBuffer(int limit) {
			this.limit = limit;
		}

		void write(byte[] source, int offset, int length) {
			if (length >= this.limit) {
				ensureCapacity(this.limit);
				this.dropped += this.size + length - this.limit;
				System.arraycopy(source, offset + length - this.limit, this.bytes, 0, this.limit);
				this.size = this.limit;
				return;
			}
			if (this.size + length > 2 * this.limit) {
				int keep = this.limit - length;
				int drop = this.size - keep;
				System.arraycopy(this.bytes, drop, this.bytes, 0, keep);
				this.size = keep;
				this.dropped += drop;
			}
			ensureCapacity(this.size + length);
			System.arraycopy(source, offset, this.bytes, this.size, length);
			this.size += length;
		}

		private void ensureCapacity(int needed) {
			if (needed > this.bytes.length) {
				int capacity = Math.max(needed, Math.min(2 * this.limit, Math.max(8192, 2 * this.bytes.length)));
				byte[] larger = new byte[capacity];
				System.arraycopy(this.bytes, 0, larger, 0, this.size);
				this.bytes = larger;
			}
		}

		boolean isEmpty() {
			return this.size == 0;
		}

		long dropped() {
			return this.dropped;
		}

		boolean endsWithNewline() {
			return this.size > 0 && this.bytes[this.size - 1] == '\n';
		}

		void writeTo(PrintStream target) {
			target.write(this.bytes, 0, this.size);
		}

		@Override
		public String toString() {
			return new String(this.bytes, 0, this.size, Charset.defaultCharset());
		}

	}

}
