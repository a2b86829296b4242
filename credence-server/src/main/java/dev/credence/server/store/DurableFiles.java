package dev.credence.server.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's file system under the scheme {@code dsync:}: the plain disk files, opened for writing with
 * {@code DSYNC}, so that every write returns only once it is on the disk. With {@code
 * WRITE_DELAY=0} H2 writes a transaction's changes while it commits, in the committing thread
 * (concurrent commits share one write); together a commit is durable when it returns, as on
 * PostgreSQL, and survives a power loss as well as a killed process. Without it H2 leaves its
 * writes in the operating system's cache and syncs only when the database closes.
 */
public final class DurableFiles extends FilePathWrapper {
  public static final String SCHEME = "dsync";

  static {
    FilePath.register(new DurableFiles());
  }

  /** Makes the scheme known to H2; called before any {@code jdbc:h2:dsync:} URL is opened. */
  public static void register() {
    // the static initialiser above does the work, once per class loader
  }

  @Override
  public FileChannel open(String mode) throws IOException {
    return getBase().open(mode.equals("rw") ? "rwd" : mode);
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }
}
