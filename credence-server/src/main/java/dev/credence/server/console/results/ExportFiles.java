package dev.credence.server.console.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

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

  /**
   * A written export, open for sending. The file is deleted when {@code content} is closed, sent or
   * not (on Linux at once: the open stream keeps it readable).
   */
  record Written(InputStream content, long size) {}

  /** Writes an export as UTF-8 text into a new owner-only file; nothing is left if that fails. */
  Written write(Consumer<Writer> text) {
    Path file = null;
    try {
      file = Files.createTempFile(dir, PREFIX, ".csv");
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        text.accept(out);
      }
      long size = Files.size(file);
      return new Written(Files.newInputStream(file, StandardOpenOption.DELETE_ON_CLOSE), size);
    } catch (IOException | RuntimeException e) {
      delete(file);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  private static void delete(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // the directory is emptied when the server starts
    }
  }
}
