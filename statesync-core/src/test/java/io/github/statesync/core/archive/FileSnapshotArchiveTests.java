package io.github.statesync.core.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

class FileSnapshotArchiveTests {

	@TempDir
	Path directory;

	private final List<FileSnapshotArchive<String>> archives = new ArrayList<>();

	@AfterEach
	void closeArchives() {
		this.archives.forEach(FileSnapshotArchive::close);
	}

	private FileSnapshotArchive<String> archive() throws IOException {
		FileSnapshotArchive<String> archive = new FileSnapshotArchive<>(this.directory, new StringDataCodec(),
				String.class);
		this.archives.add(archive);
		return archive;
	}

	private static SnapshotEnvelope<String> snapshot(long revision, String data) {
		return new SnapshotEnvelope<>(Revision.of(revision), data);
	}

	@Test
	void savedSnapshotLoadsBackWithItsRevisionUpToTheLargestOne() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		archive.save("settings", snapshot(-1L, "dark")).get();
		archive.close();
		assertThat(archive().load("settings")).isEqualTo(snapshot(-1L, "dark"));
	}

	@Test
	void loadsNothingForTopicNeverArchived() throws Exception {
		assertThat(archive().load("settings")).isNull();
	}

	@Test
	void fileHoldsAChecksummedHeaderAndTheWireEnvelope() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		archive.save("settings", snapshot(7, "dark")).get();
		String content = Files.readString(archive.file("settings"));
		assertThat(content).matches("statesync-snapshot 1 [0-9a-f]{8} 30\n\\{\"revision\":\"7\",\"data\":\"dark\"}");
	}

	@Test
	void fileKeepsTheSchemaVersionOfItsDataAsAnEnvelopeMember() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		archive.save("pricing", snapshot(8, "cents").withSchemaVersion(2)).get();
		assertThat(Files.readString(archive.file("pricing")))
			.endsWith("\n{\"revision\":\"8\",\"schemaVersion\":2,\"data\":\"cents\"}");
		archive.close();
		SnapshotEnvelope<String> loaded = archive().load("pricing");
		assertThat(loaded.schemaVersion()).isEqualTo(2);
		assertThat(loaded).isEqualTo(snapshot(8, "cents").withSchemaVersion(2));
	}

	@Test
	void laterSaveReplacesEarlierOne() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		archive.save("settings", snapshot(1, "one")).get();
		archive.save("settings", snapshot(2, "two")).get();
		assertThat(archive.load("settings")).isEqualTo(snapshot(2, "two"));
		try (var files = Files.list(this.directory)) {
			assertThat(files.filter((file) -> !file.getFileName().toString().equals(".lock")))
				.containsExactly(archive.file("settings"));
		}
	}

	@Test
	void closeWritesTheNewestSnapshotStillWaiting() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		List<CompletableFuture<Void>> saves = new ArrayList<>();
		for (int revision = 1; revision <= 1000; revision++) {
			saves.add(archive.save("settings", snapshot(revision, "v" + revision)));
		}
		archive.close();
		assertThat(saves).allSatisfy((save) -> assertThat(save).isCompleted());
		assertThat(archive().load("settings")).isEqualTo(snapshot(1000, "v1000"));
	}

	@Test
	void refusesSavesAfterClose() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		archive.close();
		assertThat(archive.save("settings", snapshot(1, "one"))).failsWithin(Duration.ZERO)
			.withThrowableThat()
			.withMessageContaining("is closed");
	}

	@Test
	void detectsFileWhoseContentNoLongerMatchesItsChecksum() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		archive.save("settings", snapshot(7, "dark")).get();
		Path file = archive.file("settings");
		Files.writeString(file, Files.readString(file).replace("dark", "dork"));
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> archive.load("settings"))
			.withMessageContaining(file.toString())
			.withMessageEndingWith("is corrupt: checksum mismatch");
	}

	@Test
	void detectsTruncatedFile() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		archive.save("settings", snapshot(7, "dark")).get();
		Path file = archive.file("settings");
		byte[] content = Files.readAllBytes(file);
		Files.write(file, java.util.Arrays.copyOf(content, content.length - 3));
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> archive.load("settings"))
			.withMessageContaining("holds 27 bytes of snapshot, the header says 30 (truncated or appended to)");
	}

	@Test
	void detectsFileThatIsNotASnapshotFile() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		Files.writeString(archive.file("settings"), "{\"revision\":\"7\",\"data\":\"dark\"}");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> archive.load("settings"))
			.withMessageEndingWith("is corrupt: no header");
		Files.writeString(archive.file("settings"), "statesync-snapshot 2 00000000 0\n");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> archive.load("settings"))
			.withMessageEndingWith("is corrupt: format version 2 is not supported");
		Files.writeString(archive.file("settings"), "statesync-snapshot 1 zz 0\n");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> archive.load("settings"))
			.withMessageEndingWith("is corrupt: malformed header");
	}

	@Test
	void intactFileWithInvalidSnapshotIsAProtocolError() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		byte[] envelope = "{\"revision\":\"07\",\"data\":\"dark\"}".getBytes(StandardCharsets.UTF_8);
		java.util.zip.CRC32C checksum = new java.util.zip.CRC32C();
		checksum.update(envelope);
		Files.write(archive.file("settings"),
				("statesync-snapshot 1 " + Long.toHexString(checksum.getValue()) + " " + envelope.length + "\n")
					.getBytes(StandardCharsets.US_ASCII));
		Files.write(archive.file("settings"), envelope, java.nio.file.StandardOpenOption.APPEND);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> archive.load("settings"))
			.withMessageContaining("07");
	}

	@Test
	void topicNamesBecomeSafeFileNames() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		assertThat(archive.file("pricing:eu/1 ..").getFileName()).hasToString("pricing%3Aeu%2F1%20...snapshot");
		assertThat(archive.file("café").getFileName()).hasToString("caf%C3%A9.snapshot");
		archive.save("../escape", snapshot(1, "x")).get();
		assertThat(archive.file("../escape")).hasParent(this.directory);
		assertThat(archive.load("../escape")).isEqualTo(snapshot(1, "x"));
	}

	@Test
	void deletesTemporaryFilesAnInterruptedWriteLeftBehindAndNoOthers() throws Exception {
		Path leftover = Files.writeString(this.directory.resolve("settings.snapshot123.tmp"), "half");
		Path foreign = Files.writeString(this.directory.resolve("someone-elses.tmp"), "keep");
		archive();
		assertThat(leftover).doesNotExist();
		assertThat(foreign).exists();
	}

	@Test
	void aSecondArchiveOnTheSameDirectoryFailsToOpen() throws Exception {
		archive();
		assertThatExceptionOfType(IOException.class).isThrownBy(this::archive)
			.withMessageContaining("is in use by another archive");
	}

	@Test
	void topicsThatDifferOnlyInCaseOrAreLongGetDistinctShortNames() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		String settings = archive.file("settings").getFileName().toString();
		String upper = archive.file("Settings").getFileName().toString();
		String shouting = archive.file("SETTINGS").getFileName().toString();
		assertThat(upper).startsWith("settings-").endsWith(".snapshot").isNotEqualTo(settings);
		assertThat(shouting).isNotEqualToIgnoringCase(upper);
		String longTopic = "t".repeat(500);
		assertThat(archive.file(longTopic).getFileName().toString()).hasSizeLessThan(100)
			.isNotEqualTo(archive.file(longTopic + "x").getFileName().toString());
		archive.save("Settings", snapshot(1, "upper")).get();
		archive.save(longTopic, snapshot(2, "long")).get();
		assertThat(archive.load("Settings")).isEqualTo(snapshot(1, "upper"));
		assertThat(archive.load("settings")).isNull();
		assertThat(archive.load(longTopic)).isEqualTo(snapshot(2, "long"));
	}

	@Test
	void snapshotFilesAreReadableByTheirOwnerOnly() throws Exception {
		assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
		FileSnapshotArchive<String> archive = archive();
		archive.save("settings", snapshot(1, "secret")).get();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(archive.file("settings"))))
			.isEqualTo("rw-------");
	}

	@Test
	void failedWriteCompletesTheSaveExceptionally() throws Exception {
		FileSnapshotArchive<String> archive = archive();
		assertThat(archive.save("settings", snapshot(1, "has \"quotes\""))).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.withMessageContaining("quotes and backslashes are not supported");
		assertThat(archive.file("settings")).doesNotExist();
	}

	@Test
	void createsItsDirectoryForItsOwnerOnlySinceFileNamesTellTheTopics() throws Exception {
		assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
		Path nested = this.directory.resolve("state").resolve("last-known-good");
		FileSnapshotArchive<String> archive = new FileSnapshotArchive<>(nested, new StringDataCodec(), String.class);
		this.archives.add(archive);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested))).isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.resolve(".lock"))))
			.isEqualTo("rw-------");
	}

	@Test
	void refusesALockFileThatIsASymbolicLinkAndTouchesNothingItPointsTo() throws Exception {
		Path elsewhere = Files.createTempDirectory("statesync-elsewhere");
		Path target = elsewhere.resolve("victim");
		Files.createSymbolicLink(this.directory.resolve(".lock"), target);
		assertThatExceptionOfType(IOException.class).isThrownBy(this::archive)
			.withMessageContaining(".lock is a symbolic link");
		assertThat(target).doesNotExist();
	}

	@Test
	void neverReadsAnArchivedSnapshotThroughASymbolicLink() throws Exception {
		Path elsewhere = Files.createTempDirectory("statesync-elsewhere");
		FileSnapshotArchive<String> other = new FileSnapshotArchive<>(elsewhere, new StringDataCodec(), String.class);
		other.save("settings", snapshot(7, "planted")).join();
		other.close();
		FileSnapshotArchive<String> archive = archive();
		Files.createSymbolicLink(archive.file("settings"), elsewhere.resolve(archive.file("settings").getFileName()));
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> archive.load("settings"))
			.withMessageContaining("is a symbolic link");
	}

}
