package dev.credence.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server in a process of its own, started as {@code java -jar} would start it ({@code
 * Main}), so that a test can stop it the ways an operator's machine does: {@code kill -9} or {@code
 * SIGTERM}. Its output goes to a log file in its data directory.
 */
public final class ServerProcess extends ServerHttp implements AutoCloseable {
  private static final long READY_WITHIN_MS = 90_000;

  private final Map<String, String> env;
  private final int port;
  private final Path log;
  private final List<String> program;
  private Process process;

  private ServerProcess(Map<String, String> env, Path log, List<String> program) {
    this.env = Map.copyOf(env);
    this.port = Integer.parseInt(env.get("CREDENCE_PORT"));
    this.log = log;
    this.program = List.copyOf(program);
  }

  /**
   * A server on {@code database} with the test defaults and {@code extraEnv}, started and ready.
   */
  public static ServerProcess start(TestDatabase database, Map<String, String> extraEnv) {
    Path dataDir = RunningServer.tempDir();
    Map<String, String> env = new HashMap<>(database.newDatabase());
    env.putAll(RunningServer.baseEnvironment(dataDir));
    env.putAll(extraEnv);
    ServerProcess server =
        new ServerProcess(
            env,
            dataDir.resolve("server.log"),
            List.of("-cp", System.getProperty("java.class.path"), "dev.credence.server.Main"));
    server.launch();
    return server;
  }

  /**
   * The jar the build made, {@code java -jar credence.jar} as an operator runs it, with the
   * variables {@code env} and no others; started and ready. Its output goes to a log file of its
   * own, outside the data directory.
   */
  public static ServerProcess startJar(Map<String, String> env) {
    try {
      ServerProcess server =
          new ServerProcess(
              env,
              Files.createTempFile("credence-server-", ".log"),
              List.of("-jar", builtJar().toString()));
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * credence-server/target/credence.jar, which tests tagged {@code jar} are given (system property
   * {@code credence.jar}): they run in the package phase, once the jar is built.
   */
  public static Path builtJar() {
    Path jar = Path.of(System.getProperty("credence.jar", "target/credence.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath() + " is missing: build it first (mvn -DskipTests package)");
    }
    return jar.toAbsolutePath();
  }

  /**
   * Another node of the same deployment in a process of its own, started and ready: the same
   * database and data directory (so the same secrets), its own port and log file. For PostgreSQL,
   * which serves any number of nodes.
   */
  public ServerProcess secondNode() {
    Map<String, String> second = new HashMap<>(env);
    int secondPort = RunningServer.freePort();
    second.put("CREDENCE_PORT", String.valueOf(secondPort));
    ServerProcess node =
        new ServerProcess(second, log.resolveSibling("server-" + secondPort + ".log"), program);
    node.launch();
    return node;
  }

  @Override
  public String baseUrl() {
    return "http://localhost:" + port;
  }

  /** The process's CREDENCE_* variables, the same on every restart. */
  public Map<String, String> env() {
    return env;
  }

  /** Starts the process again on the same port, database and data directory; waits until ready. */
  public void restart() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the server is still running");
    }
    launch();
  }

  /** {@code kill -9}: the process ends at once, with no chance to finish anything. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** {@code SIGTERM}, as a service manager stops a service; returns at once. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to end (at most two minutes) and returns its exit status. */
  public int waitForExit() {
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("the server did not stop within 2 minutes; log:\n" + log());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Everything the server has written to standard output and standard error, all runs. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(program);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("CREDENCE_"));
    builder.environment().putAll(env);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_WITHIN_MS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        if (get("/health/ready").statusCode() == 200) {
          return;
        }
      } catch (UncheckedIOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    process.destroyForcibly();
    throw new AssertionError(
        "the server was not ready within " + READY_WITHIN_MS + " ms:\n" + log());
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitForExit();
    }
  }
}
