package dev.credence.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The examples of a guide in docs/ that tests run as written: its fenced blocks whose info string
 * is {@code <language> tested=<name>}, such as {@code sh tested=h2-backup}.
 */
public final class DocBlocks {
  private static final Pattern BLOCK =
      Pattern.compile("```([a-z0-9]+) tested=([a-z0-9-]+)\\n(.*?)\\n```", Pattern.DOTALL);

  private DocBlocks() {}

  /** The tested blocks of {@code guide}, by name, in the guide's order; a name used twice fails. */
  public static Map<String, String> read(Path guide) throws IOException {
    String text = Files.readString(guide, StandardCharsets.UTF_8);
    Map<String, String> blocks = new LinkedHashMap<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      assertThat(blocks.put(m.group(2), m.group(3))).as("two blocks named " + m.group(2)).isNull();
    }
    return blocks;
  }

  /**
   * Runs {@code code} with {@code interpreter} ({@code bash}, {@code python3}) in {@code directory}
   * with {@code env} set (and no other CREDENCE_* or libpq PG* variable); its output. Fails with
   * that output unless it exits 0 within 30 seconds.
   */
  public static String run(Map<String, String> env, Path directory, String interpreter, String code)
      throws IOException, InterruptedException {
    Path file = Files.createTempFile("guide-example-", interpreter.equals("bash") ? ".sh" : ".py");
    Files.writeString(file, code + "\n", StandardCharsets.UTF_8);
    file.toFile().deleteOnExit();
    ProcessBuilder builder =
        new ProcessBuilder(interpreter, file.toString())
            .directory(directory.toFile())
            .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("CREDENCE_") || k.startsWith("PG"));
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(output).isTrue();
    assertThat(process.exitValue()).as(interpreter + " said: " + output).isZero();
    return output;
  }

  /** Fails under CI=true, skips loudly elsewhere, when a program the examples run is missing. */
  public static void requireTools(String examples, String hint, String... tools)
      throws IOException, InterruptedException {
    for (String tool : tools) {
      Process which = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
      if (which.waitFor() != 0) {
        Prerequisites.missing(examples, tool + " is not installed", hint);
      }
    }
  }
}
