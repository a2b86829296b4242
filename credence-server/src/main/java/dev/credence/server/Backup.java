package dev.credence.server;

import dev.credence.server.config.Config;
import dev.credence.server.store.DurableFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code backup --to FILE.zip}: H2's {@code BACKUP TO}, which copies the database while it is in
 * use. With the server running, the command line reaches the file through the server's H2
 * auto-server port, so the server itself writes the copy; the copy is consistent, and nothing waits
 * for it. The database is opened as it is, without migrating it: a newer jar can take the backup
 * before an upgrade without changing the schema under the server still running.
 */
final class Backup {
  /** H2's "database not found" (with {@code IFEXISTS=TRUE}). */
  private static final int DATABASE_NOT_FOUND = 90146;

  private Backup() {}

  /** Writes the copy to {@code to} (owner-only, never over an existing file); what was written. */
  static Map<String, Object> of(Config.Database database, Path to) {
    if (!database.isH2()) {
      throw new Failed(
          "backup copies the embedded H2 database only, and this server's database is"
              + " PostgreSQL: back it up with pg_dump (see docs/operations.md)");
    }
    Path target = to.toAbsolutePath().normalize();
    Path directory = target.getParent();
    if (Files.exists(target)) {
      throw new Failed(target + " already exists: give a new file name");
    }
    if (directory == null || !Files.isDirectory(directory)) {
      throw new Failed("the directory " + directory + " does not exist");
    }
    DurableFiles.register();
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", "127.0.0.1"); // as Database.open: loopback only
    }
    Path work = privateDirectory(directory);
    try {
      Path written = work.resolve("credence-backup.zip");
      try (Connection connection =
              DriverManager.getConnection(
                  database.url() + ";IFEXISTS=TRUE", database.user(), database.password().value());
          Statement statement = connection.createStatement()) {
        statement.execute("BACKUP TO '" + written.toString().replace("'", "''") + "'");
      } catch (SQLException e) {
        throw new Failed(
            e.getErrorCode() == DATABASE_NOT_FOUND
                ? "there is no database at "
                    + redacted(database.url())
                    + ": run this with the server's CREDENCE_DATA_DIR (or CREDENCE_DATABASE_URL)"
                : "the backup failed: " + e.getMessage());
      }
      ownerOnly(written);
      try {
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        throw new Failed(target + " already exists: give a new file name");
      }
      Map<String, Object> done = new LinkedHashMap<>();
      done.put("file", target.toString());
      done.put("bytes", Files.size(target));
      return done;
    } catch (IOException e) {
      throw new Failed("cannot write " + target + ": " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(work.resolve("credence-backup.zip"));
        Files.deleteIfExists(work);
      } catch (IOException e) {
        // left behind, empty or holding an unfinished copy: harmless, and named .credence-backup-
      }
    }
  }

  /**
   * A directory only this user can enter, next to the target: the copy is written there and moved
   * into place whole, so no one else can read it and no half-written file carries the target's
   * name.
   */
  private static Path privateDirectory(Path directory) {
    try {
      return posix()
          ? Files.createTempDirectory(
              directory,
              ".credence-backup-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
          : Files.createTempDirectory(directory, ".credence-backup-");
    } catch (IOException e) {
      throw new Failed("cannot write in " + directory + ": " + e.getMessage());
    }
  }

  private static void ownerOnly(Path file) throws IOException {
    if (posix()) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static boolean posix() {
    return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static String redacted(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1********");
  }

  /** The backup could not be made; nothing was written at the target. */
  static final class Failed extends RuntimeException {
    Failed(String message) {
      super(message);
    }
  }
}
