package dev.credence.server.config;

import dev.credence.server.config.Config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Secrets that the operator did not set are generated once and kept in {@code <data dir>/secrets/},
 * readable by the owner only, so a restart reuses them.
 */
final class SecretFiles {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");

  private final Path dataDir;
  private final Path dir;

  SecretFiles(Path dataDir) {
    this.dataDir = dataDir;
    this.dir = dataDir.resolve("secrets");
  }

  Secret get(Map<String, String> env, String name, Supplier<String> generator) {
    String fromEnv = env.get(name);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new Secret(fromEnv.trim(), "env " + name);
    }
    Path file =
        dir.resolve(name.toLowerCase(Locale.ROOT).replace("credence_", "").replace('_', '-'));
    try {
      if (Files.exists(file)) {
        String value = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (value.isEmpty()) {
          throw new ConfigException(
              "the secret file "
                  + file
                  + " is empty: set "
                  + name
                  + ", or delete the file to have a new secret generated (only if nothing was"
                  + " made with the old one)");
        }
        return new Secret(value, "file " + file);
      }
      createOwnerOnlyDir();
      write(file, generator.get());
      return new Secret(Files.readString(file, StandardCharsets.UTF_8).trim(), "generated " + file);
    } catch (IOException e) {
      throw new ConfigException("cannot read or create the secret file " + file + ": " + e, e);
    }
  }

  /** The data directory too, when it is made here: the embedded database lives in it. */
  private void createOwnerOnlyDir() throws IOException {
    for (Path path : new Path[] {dataDir, dir}) {
      if (!Files.isDirectory(path)) {
        Files.createDirectories(path);
        if (supportsPosix()) {
          Files.setPosixFilePermissions(path, OWNER_DIR);
        }
      }
    }
  }

  /**
   * Writes the secret to a private temporary file, then links it into place: the link either
   * appears whole or not at all, so two first starts at once both end up reading the same value.
   */
  private void write(Path file, String value) throws IOException {
    Path temporary =
        supportsPosix()
            ? Files.createTempFile(
                dir, ".new-", "", PosixFilePermissions.asFileAttribute(OWNER_FILE))
            : Files.createTempFile(dir, ".new-", "");
    try {
      Files.writeString(temporary, value + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
      Files.createLink(file, temporary);
    } catch (FileAlreadyExistsException raced) {
      // another process linked its secret first: keep theirs
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static boolean supportsPosix() {
    return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String randomAesKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
