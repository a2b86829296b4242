package dev.credence.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The built credence.jar, run as an operator runs it. */
@Tag("jar")
class JarTest {
  @Test
  void versionPrintsTheProjectsVersionFromTheManifest() throws Exception {
    String expected = System.getProperty("credence.version");
    assertThat(expected).as("the project's version, given by credence-server/pom.xml").isNotBlank();
    for (String command : List.of("--version", "version")) {
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  ServerProcess.builtJar().toString(),
                  command)
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output).as(command).isEqualTo("credence " + expected + "\n");
    }
  }
}
