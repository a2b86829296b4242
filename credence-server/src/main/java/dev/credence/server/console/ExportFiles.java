package dev.credence.server.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where a results export is written before it is sent, so that the database connection that read it
 * is free again at once, however slowly the browser downloads. The files hold applicants' uids and
 * scores: they are made readable by the server's user only, deleted once sent or abandoned, and any
 * left by a server that stopped mid-way are deleted when it starts.
 */
final class ExportFiles {
  private static final String PREFIX = "export-";
  private final Path dir;

  ExportFiles(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> left = Files.newDirectoryStream(dir, PREFIX + "*")) {
        for (Path file : left) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the export directory " + dir, e);
    }
  }

  /** A new empty file, readable and writable by the server's user only. */
  Path create() throws IOException {
    return Files.createTempFile(dir, PREFIX, ".csv");
  }

  /**
   * The file to send; it is deleted when the stream is closed, sent or not (on Linux at once: the
   * open stream keeps it readable).
   */
  InputStream send(Path file) throws IOException {
    return Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE);
  }
}
