package dev.credence.server.erasure;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.credence.server.assessment.Applicant;
import dev.credence.server.config.Config;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * On the embedded H2 file, erased data leaves the disk too: the orderly stop compacts the file, so
 * its bytes hold neither the erased uid nor the applicant's user agent, which they held before.
 */
class CompactionH2Test {
  // Letters that no id, hash, name or keyword holds three in a row: the compacted file's pages are
  // compressed (LZF), which keeps such a string as literal bytes, with a control byte at most every
  // 32 of them; the search below allows for those.
  private static final String UID = "ZQXJWVKPLMYR";
  private static final String AGENT = "Zyqxw/Jvkpl (Qwzxj Vkyqp; Xqzjw)";

  @Test
  void afterAnErasureAndAnOrderlyStopTheFileHoldsNoneOfTheErasedData() {
    // H2 also compacts for up to 200 ms at any close, which rewrites a file this small whole: with
    // that turned off, only the orderly stop's SHUTDOWN COMPACT can take the erased rows out.
    Path dataDir = RunningServer.tempDir();
    RunningServer server =
        RunningServer.start(
            TestDatabase.H2,
            Map.of(
                "CREDENCE_DATA_DIR",
                dataDir.toString(),
                "CREDENCE_DATABASE_URL",
                Config.Database.h2Url(dataDir) + ";MAX_COMPACT_TIME=0"));
    try {
      Path file = server.config().dataDir().resolve("credence.mv.db");
      Deployment d = server.newDeployment();
      String integration = d.productionIntegrationId();
      HttpResponse<String> created =
          server.createSession(d.productionKey(), sessionBody(UID, integration));
      Applicant applicant = new Applicant(server, json(created).get("access_token").asText());
      assertThat(applicant.page("User-Agent", AGENT).statusCode()).isEqualTo(200);
      applicant.consent();

      server =
          server.restartAfter(
              () -> {
                assertThat(contains(file, UID)).as("the uid is in the file before").isTrue();
                assertThat(contains(file, AGENT)).as("the user agent is in it before").isTrue();
              });

      HttpResponse<String> erased =
          server.operator(
              "DELETE", "/v1/admin/integrations/" + integration + "/sessions/" + UID, null);
      assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
      server.close();

      assertThat(contains(file, UID)).as("the erased uid is in the file").isFalse();
      assertThat(contains(file, AGENT)).as("the user agent is in the file").isFalse();
    } finally {
      server.close();
    }
  }

  /** Whether the file's bytes hold {@code text}, maybe with one byte between two of its letters. */
  private static boolean contains(Path file, String text) {
    StringBuilder pattern = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (!pattern.isEmpty()) {
        pattern.append("(?s:.)?");
      }
      pattern.append(Pattern.quote(String.valueOf(c)));
    }
    try {
      String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      return Pattern.compile(pattern.toString()).matcher(bytes).find();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
