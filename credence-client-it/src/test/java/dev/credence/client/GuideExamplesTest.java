package dev.credence.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.credence.api.Signatures;
import dev.credence.server.assessment.Applicant;
import dev.credence.server.results.ResultApi;
import dev.credence.server.testing.DocBlocks;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The curl and Python examples of docs/integration-guide.md, the fenced blocks whose info string is
 * {@code sh tested=<name>} or {@code python tested=<name>}, run as written against the real server,
 * with {@code CREDENCE_API}, {@code CREDENCE_INTEGRATION_ID} and {@code CREDENCE_API_KEY} set as
 * the guide says. Under {@code CI=true} curl, openssl and python3 must be there; elsewhere the test
 * is skipped, loudly, without them.
 */
class GuideExamplesTest {
  private static final Path GUIDE = Path.of("..", "docs", "integration-guide.md");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UID = "CUST-00123456"; // the uid of the guide's examples

  @Test
  void theGuidesCurlAndPythonExamplesDoWhatTheGuideSays() throws Exception {
    DocBlocks.requireTools(
        "The integration guide's examples",
        "Install curl, openssl and python3, e.g. apt-get install -y curl openssl python3",
        "curl",
        "openssl",
        "python3");
    Map<String, String> blocks = DocBlocks.read(GUIDE);
    assertThat(blocks)
        .containsOnlyKeys(
            "create-session",
            "create-session-python",
            "create-session-hmac",
            "receiver",
            "webhook-test",
            "result",
            "results",
            "simulate");

    try (RunningServer server =
        RunningServer.start(
            TestDatabase.H2,
            RunningServer.with(
                Map.of("CREDENCE_SCHEDULER_POLL_MS", "100"), RunningServer.LOOPBACK_WEBHOOKS))) {
      Deployment deployment = server.newDeployment();
      String integration = deployment.testIntegrationId();
      server.patchIntegration(integration, Applicant.SMALL_ASSESSMENT);
      Map<String, String> env = env(server, integration, deployment.testKey());

      int port = RunningServer.freePort();
      Path receiverFile = Files.createTempFile("guide-example-", ".py");
      Files.writeString(receiverFile, blocks.get("receiver") + "\n", StandardCharsets.UTF_8);
      receiverFile.toFile().deleteOnExit();
      // Its request log (stderr) goes to the test's output; its stdout is what it took in.
      Process receiver =
          command(env, "python3", receiverFile.toString(), String.valueOf(port))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      List<String> received = lines(receiver);
      try {
        awaitListening(port, receiver);
        server.patchIntegration(
            integration, "{\"webhook_url\": \"http://127.0.0.1:" + port + "/webhooks/credence\"}");

        JsonNode test = json(run(env, "bash", blocks.get("webhook-test")));
        assertThat(test.get("webhook_receiver_status_code").asInt()).isEqualTo(200);
        await(received, 1);
        assertThat(received.get(0)).matches("[0-9a-f]{24} webhook-test webhook\\.test");

        JsonNode created = json(run(env, "bash", blocks.get("create-session")));
        String token = created.get("access_token").asText();
        assertThat(created.get("redirect_url").asText())
            .isEqualTo(server.config().publicUrl() + "/" + token);
        // The Python example asks for the same uid: the same open session, its link printed.
        assertThat(run(env, "python3", blocks.get("create-session-python")).strip())
            .isEqualTo(created.get("redirect_url").asText());

        new Applicant(server, token).finish();
        await(received, 3);
        assertThat(received.subList(1, 3))
            .allMatch(line -> line.matches("[0-9a-f]{24} " + UID + " .*"))
            .extracting(line -> line.split(" ")[2])
            .containsExactly("application.complete", "psychometric_score.complete");

        JsonNode result = json(run(env, "bash", blocks.get("result")));
        assertThat(result.get("status").asText()).isEqualTo("completed");
        assertThat(result.at("/details/calculated/score").isInt()).isTrue();
        server.clock().advance(ResultApi.SETTLE.plusSeconds(1));
        JsonNode page = json(run(env, "bash", blocks.get("results")));
        assertThat(page.at("/results/0/uid").asText()).isEqualTo(UID);
        assertThat(page.get("next_cursor").asText()).isNotBlank();

        // The receiver refuses a forged body and a replayed (stale) delivery.
        String key = deployment.testKey();
        byte[] body = "{\"uid\":\"CUST-1\"}".getBytes(StandardCharsets.UTF_8);
        long now = System.currentTimeMillis() / 1000;
        assertThat(deliver(port, body, "{}".getBytes(StandardCharsets.UTF_8), now, key))
            .isEqualTo("401 X-Signature does not match");
        assertThat(deliver(port, body, body, now - 600, key))
            .isEqualTo("401 X-Credence-Timestamp too far from now");
        assertThat(received).hasSize(3);

        // A simulated band D: the answer and both events say so.
        JsonNode simulated = json(run(env, "bash", blocks.get("simulate")));
        assertThat(simulated.get("simulated").asBoolean()).isTrue();
        assertThat(simulated.at("/details/calculated/risk_band").asText()).isEqualTo("D");
        assertThat(simulated.at("/details/calculated/flags/0").asText()).isEqualTo("FAST_PAGES");
        await(received, 5);
        assertThat(received.subList(3, 5))
            .allMatch(line -> line.matches("[0-9a-f]{24} TEST-BAND-D-001 .*"))
            .extracting(line -> line.split(" ")[2])
            .containsExactly("application.complete", "psychometric_score.complete");
      } finally {
        receiver.destroy();
        receiver.waitFor(5, TimeUnit.SECONDS);
      }

      // HMAC on: the OpenSSL example and the Python example (which always signs) pass.
      Deployment signed = server.newDeployment();
      server.patchIntegration(signed.testIntegrationId(), "{\"hmac_required\": true}");
      Map<String, String> hmacEnv = env(server, signed.testIntegrationId(), signed.testKey());
      assertThat(json(run(hmacEnv, "bash", blocks.get("create-session-hmac"))).has("access_token"))
          .isTrue();
      assertThat(run(hmacEnv, "python3", blocks.get("create-session-python")))
          .startsWith(server.config().publicUrl() + "/");
      // ...and the unsigned curl example is refused there, as the guide's error table says.
      assertThat(json(run(hmacEnv, "bash", blocks.get("create-session"))).get("code").asText())
          .isEqualTo("signature_missing");
    }
  }

  /**
   * POSTs {@code body} to the receiver with both signatures made over {@code signed} at {@code at}
   * (a forged body when they differ); its status and answer.
   */
  private static String deliver(int port, byte[] body, byte[] signed, long at, String key)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/credence"))
            .header("X-Signature", Signatures.sign(key, signed))
            .header("X-Credence-Timestamp", String.valueOf(at))
            .header("X-Credence-Signature", Signatures.timestampedHeader(List.of(key), at, signed))
            .header("X-Credence-Event-Id", "0123456789abcdef01234567")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  private static Map<String, String> env(RunningServer server, String integration, String key) {
    return Map.of(
        "CREDENCE_API", server.baseUrl(),
        "CREDENCE_INTEGRATION_ID", integration,
        "CREDENCE_API_KEY", key);
  }

  private static String run(Map<String, String> env, String interpreter, String code)
      throws Exception {
    return DocBlocks.run(env, Path.of("."), interpreter, code);
  }

  private static ProcessBuilder command(Map<String, String> env, String... command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    return builder;
  }

  /** The lines a running process prints, collected as they come. */
  private static List<String> lines(Process process) {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
              } catch (IOException | UncheckedIOException closed) {
                // the process ended
              }
            });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static void awaitListening(int port, Process process) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("the receiver exited").isTrue();
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the Python receiver did not listen on port " + port);
  }

  private static void await(List<String> lines, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (lines.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(lines).as("lines printed by the receiver").hasSizeGreaterThanOrEqualTo(count);
  }

  private static JsonNode json(String output) throws IOException {
    return JSON.readTree(output);
  }
}
