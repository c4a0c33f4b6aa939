package dev.weir.dataplane.config;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.weir.api.config.v1.ConfigSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last good snapshot on disk, so that a pod can start serving without the controller
 * (ARCHITECTURE property 5). The file holds the serialized {@link ConfigSnapshot}, which includes
 * private keys, so it is written with mode 0600 and replaced atomically: a reader sees the old file
 * or the new one, never half of one.
 *
 * <p>Not thread-safe: used only from the config client's thread.
 */
public final class SnapshotFile {

  private static final Logger log = LoggerFactory.getLogger(SnapshotFile.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Path path;

  /**
   * @param path where the snapshot lives; its folder is created on the first write
   */
  public SnapshotFile(Path path) {
    this.path = Objects.requireNonNull(path, "path").toAbsolutePath();
  }

  /** Where the snapshot lives. */
  public Path path() {
    return path;
  }

  /**
   * Reads the snapshot, or returns empty when there is no file or it cannot be used. A corrupt file
   * is logged and ignored: the pod then waits for the controller like a fresh one.
   */
  public Optional<ConfigSnapshot> read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      log.info("no saved snapshot at {}", path);
      return Optional.empty();
    } catch (IOException e) {
      log.warn("cannot read saved snapshot {}: {}; ignoring it", path, e.toString());
      return Optional.empty();
    }
    try {
      ConfigSnapshot snapshot = ConfigSnapshot.parseFrom(bytes);
      // Protobuf parses some garbage as a valid message; a real snapshot always has a version.
      if (snapshot.getVersion().isEmpty()) {
        log.warn("saved snapshot {} has no version; ignoring it", path);
        return Optional.empty();
      }
      return Optional.of(snapshot);
    } catch (InvalidProtocolBufferException e) {
      log.warn("saved snapshot {} is corrupt ({}); ignoring it", path, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Replaces the file with {@code snapshot}: writes a temporary file beside it (mode 0600), forces
   * it to disk, then renames it over the old one.
   *
   * @throws IOException if the file cannot be written; the previous file, if any, is left intact
   */
  public void write(ConfigSnapshot snapshot) throws IOException {
    Path dir = path.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp", ownerOnly());
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(snapshot.toByteArray());
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      // rename(2) replaces the target atomically on POSIX file systems.
      Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)};
    }
    return new FileAttribute<?>[0];
  }
}
