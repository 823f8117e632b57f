package io.github.statesync.core.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import io.github.statesync.core.engine.SyncThreads;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotArchive;
import io.github.statesync.core.spi.SyncCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SnapshotArchive} that keeps one file per topic in a local directory.
 * <p>
 * A file holds a one-line header ({@code statesync-snapshot 1 <crc32c> <length>}) and the
 * envelope {@code {"revision":"N","data":...}} encoded by the codec, so a corrupt or
 * truncated file is detected on load rather than applied. Every write goes to a temporary
 * file in the same directory, is forced to disk, and is renamed over the old file
 * atomically, then the directory is forced: a crash leaves either the old snapshot or the
 * new one, never a mix. The directory, when the archive creates it, and the files are for
 * their owner only, and no file in it is opened through a symbolic link. One process at a
 * time owns a directory (a lock on {@code .lock} in it): a second archive on the same
 * directory fails to open rather than overwriting the first one's files.
 * <p>
 * The envelope keeps the data's {@code "schemaVersion"} member when it is above 1, so a
 * reader of a newer schema migrates the file as it migrates any older snapshot.
 * <p>
 * Writes happen behind the caller, on one thread of the archive's own whatever the number
 * of topics; when snapshots of a topic arrive faster than the disk takes them, only the
 * newest waiting one is written. {@link #close()} writes what is still waiting.
 *
 * @param <T> the type of the snapshot data
 * @author statesync
 * @since 0.1.0
 */
public final class FileSnapshotArchive<T> implements SnapshotArchive<T>, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FileSnapshotArchive.class);

	static final String MAGIC = "statesync-snapshot";

	static final int FORMAT_VERSION = 1;

	static final String SUFFIX = ".snapshot";

	private static final String TEMP_SUFFIX = ".tmp";

	private static final String LOCK_FILE = ".lock";

	/** Longest file name kept as it is; longer names are shortened and hashed. */
	private static final int MAX_PLAIN_NAME = 120;

	private static final int MAX_HEADER_BYTES = 64;

	private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

	private final Path directory;

	private final SyncCodec codec;

	private final Type dataType;

	private final Map<String, PendingWrite<T>> pending = new ConcurrentHashMap<>();

	private final ExecutorService writer;

	private final FileChannel lockChannel;

	/**
	 * Create an archive in a directory, creating the directory if needed and deleting
	 * temporary files an interrupted write left behind.
	 * @param directory the directory
	 * @param codec encodes and decodes snapshots
	 * @param dataType the type snapshot data is decoded to
	 * @throws IOException if the directory cannot be created or is not writable
	 */
	public FileSnapshotArchive(Path directory, SyncCodec codec, Type dataType) throws IOException {
		this.directory = Objects.requireNonNull(directory, "directory must not be null").toAbsolutePath();
		this.codec = Objects.requireNonNull(codec, "codec must not be null");
		this.dataType = Objects.requireNonNull(dataType, "dataType must not be null");
		if (POSIX) {
			// file names tell which topics a node follows: owner only
			Files.createDirectories(this.directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
		}
		else {
			Files.createDirectories(this.directory);
		}
		if (!Files.isWritable(this.directory)) {
			throw new AccessDeniedException(this.directory.toString(), null,
					"the last-known-good snapshot directory is not writable");
		}
		this.lockChannel = openLock(this.directory.resolve(LOCK_FILE));
		boolean locked = false;
		try {
			locked = this.lockChannel.tryLock() != null;
		}
		catch (OverlappingFileLockException ex) {
			// already locked by this JVM
		}
		finally {
			if (!locked) {
				this.lockChannel.close();
			}
		}
		if (!locked) {
			throw new IOException("the last-known-good snapshot directory " + this.directory
					+ " is in use by another archive: give every instance a directory of its own");
		}
		deleteTemporaryFiles();
		this.writer = Executors.newSingleThreadExecutor(SyncThreads.factory("statesync-archive-"));
	}

	private static FileChannel openLock(Path lock) throws IOException {
		try {
			// never through a link: a planted one would make this process create or
			// lock a file elsewhere
			return (POSIX)
					? FileChannel.open(lock,
							Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
							PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE))
					: FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
							LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			// ELOOP: the JDK reports it as a plain IOException
			if (Files.isSymbolicLink(lock)) {
				throw new IOException("the lock file " + lock + " is a symbolic link: remove it; statesync opens no"
						+ " file of its snapshot directory through a link", ex);
			}
			throw ex;
		}
	}

	/**
	 * Return the directory the snapshots are kept in.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Return the file a topic's snapshot is kept in: the topic's name with every
	 * character outside {@code [a-z0-9._-]} percent-encoded, plus {@code .snapshot}; a
	 * name with upper-case letters (which a case-insensitive file system would confuse)
	 * or longer than 120 characters is lower-cased, shortened and followed by a hash of
	 * the topic.
	 * @param topic the topic
	 * @return the file
	 */
	public Path file(String topic) {
		return this.directory.resolve(fileName(topic));
	}

	@Override
	public @Nullable SnapshotEnvelope<T> load(String topic) throws IOException {
		Path file = file(topic);
		byte[] content;
		try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ,
				LinkOption.NOFOLLOW_LINKS)) {
			content = readAll(channel);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			if (Files.isSymbolicLink(file)) {
				throw new IOException("the archived snapshot " + file + " is a symbolic link: not read; statesync"
						+ " opens no file of its snapshot directory through a link", ex);
			}
			throw ex;
		}
		return this.codec.decodeSnapshot(payload(file, content), this.dataType);
	}

	@Override
	public CompletableFuture<Void> save(String topic, SnapshotEnvelope<T> snapshot) {
		Objects.requireNonNull(snapshot, "snapshot must not be null");
		boolean[] created = new boolean[1];
		PendingWrite<T> write = this.pending.compute(topic, (key, waiting) -> {
			if (waiting == null) {
				created[0] = true;
				return new PendingWrite<>(snapshot);
			}
			waiting.snapshot = snapshot;
			return waiting;
		});
		if (created[0]) {
			try {
				this.writer.execute(() -> write(topic));
			}
			catch (RuntimeException ex) {
				// closed: nothing will write it
				this.pending.remove(topic, write);
				write.done.completeExceptionally(
						new IllegalStateException("the snapshot archive in " + this.directory + " is closed", ex));
			}
		}
		return write.done.copy();
	}

	private void write(String topic) {
		PendingWrite<T> write = this.pending.remove(topic);
		if (write == null) {
			return;
		}
		try {
			writeFile(topic, write.snapshot);
			write.done.complete(null);
		}
		catch (IOException | RuntimeException ex) {
			write.done.completeExceptionally(ex);
		}
	}

	private void writeFile(String topic, SnapshotEnvelope<T> snapshot) throws IOException {
		byte[] envelope = envelope(snapshot);
		CRC32C checksum = new CRC32C();
		checksum.update(envelope);
		byte[] header = (MAGIC + " " + FORMAT_VERSION + " " + HexFormat.of().toHexDigits((int) checksum.getValue())
				+ " " + envelope.length + "\n")
			.getBytes(StandardCharsets.US_ASCII);
		Path target = file(topic);
		Path temporary = (POSIX)
				? Files.createTempFile(this.directory, fileName(topic), TEMP_SUFFIX,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
				: Files.createTempFile(this.directory, fileName(topic), TEMP_SUFFIX);
		try {
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
				ByteBuffer[] buffers = { ByteBuffer.wrap(header), ByteBuffer.wrap(envelope) };
				long remaining = header.length + envelope.length;
				while (remaining > 0) {
					remaining -= channel.write(buffers);
				}
				channel.force(true);
			}
			Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		finally {
			Files.deleteIfExists(temporary);
		}
		forceDirectory();
	}

	private static byte[] readAll(SeekableByteChannel channel) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(channel.size(), Integer.MAX_VALUE - 8));
		ByteBuffer buffer = ByteBuffer.allocate(8192);
		while (channel.read(buffer) >= 0) {
			buffer.flip();
			out.write(buffer.array(), 0, buffer.limit());
			buffer.clear();
		}
		return out.toByteArray();
	}

	private byte[] envelope(SnapshotEnvelope<T> snapshot) {
		byte[] data = this.codec.encodeData(snapshot.data());
		ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 48);
		out.writeBytes(("{\"revision\":\"" + snapshot.revision() + "\","
				+ SnapshotEnvelope.schemaVersionMember(snapshot.schemaVersion()) + "\"data\":")
			.getBytes(StandardCharsets.UTF_8));
		out.writeBytes(data);
		out.write('}');
		return out.toByteArray();
	}

	private void forceDirectory() {
		// makes the rename durable; not every platform can open a directory
		try (FileChannel channel = FileChannel.open(this.directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			logger.debug("Could not force directory {} to disk: {}", this.directory, ex.toString());
		}
	}

	static byte[] payload(Path file, byte[] content) throws IOException {
		int newline = -1;
		for (int i = 0; i < Math.min(content.length, MAX_HEADER_BYTES); i++) {
			if (content[i] == '\n') {
				newline = i;
				break;
			}
		}
		if (newline < 0) {
			throw corrupt(file, "no header");
		}
		String[] header = new String(content, 0, newline, StandardCharsets.US_ASCII).split(" ", -1);
		if (header.length != 4 || !MAGIC.equals(header[0])) {
			throw corrupt(file, "not a statesync snapshot file");
		}
		if (!String.valueOf(FORMAT_VERSION).equals(header[1])) {
			throw corrupt(file, "format version " + header[1] + " is not supported");
		}
		long expectedChecksum;
		int expectedLength;
		try {
			expectedChecksum = Long.parseLong(header[2], 16);
			expectedLength = Integer.parseInt(header[3]);
		}
		catch (NumberFormatException ex) {
			throw corrupt(file, "malformed header");
		}
		int length = content.length - newline - 1;
		if (length != expectedLength) {
			throw corrupt(file, "holds " + length + " bytes of snapshot, the header says " + expectedLength
					+ " (truncated or appended to)");
		}
		CRC32C checksum = new CRC32C();
		checksum.update(content, newline + 1, length);
		if (checksum.getValue() != expectedChecksum) {
			throw corrupt(file, "checksum mismatch");
		}
		byte[] payload = new byte[length];
		System.arraycopy(content, newline + 1, payload, 0, length);
		return payload;
	}

	private static IOException corrupt(Path file, String reason) {
		return new IOException("Last-known-good snapshot file " + file + " is corrupt: " + reason);
	}

	static String fileName(String topic) {
		StringBuilder name = new StringBuilder(topic.length() + SUFFIX.length());
		boolean upperCase = false;
		for (byte b : topic.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xff);
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
				name.append(c);
			}
			else if (c >= 'A' && c <= 'Z') {
				name.append((char) (c + ('a' - 'A')));
				upperCase = true;
			}
			else {
				name.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
			}
		}
		if (upperCase || name.length() > MAX_PLAIN_NAME) {
			name.setLength(Math.min(name.length(), MAX_PLAIN_NAME / 2));
			name.append('-').append(hash(topic));
		}
		return name.append(SUFFIX).toString();
	}

	private static String hash(String topic) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(topic.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	private void deleteTemporaryFiles() throws IOException {
		try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(this.directory,
				"*" + SUFFIX + "*" + TEMP_SUFFIX)) {
			for (Path leftover : leftovers) {
				Files.deleteIfExists(leftover);
			}
		}
	}

	/**
	 * Write every snapshot still waiting, then stop the writer thread. Snapshots saved
	 * afterwards are refused.
	 */
	@Override
	public void close() {
		this.writer.shutdown();
		try {
			if (!this.writer.awaitTermination(10, TimeUnit.SECONDS)) {
				logger.warn("Snapshots still waiting to be archived in {} after 10 s: {}", this.directory,
						this.pending.keySet());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			this.lockChannel.close();
		}
		catch (IOException ex) {
			logger.debug("Could not release the lock of {}: {}", this.directory, ex.toString());
		}
	}

	private static final class PendingWrite<T> {

		volatile SnapshotEnvelope<T> snapshot;

		final CompletableFuture<Void> done = new CompletableFuture<>();

		PendingWrite(SnapshotEnvelope<T> snapshot) {
			this.snapshot = snapshot;
		}

	}

}
