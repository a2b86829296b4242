package dev.credence.server.sessions;

import static dev.credence.server.testing.RunningServer.json;
import static dev.credence.server.testing.RunningServer.sessionBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.credence.server.config.Config;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.RunningServer.Deployment;
import dev.credence.server.testing.ServerContract;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /{access_token}}, where the lender sends the applicant (docs/integration-guide.md,
 * "What the applicant's link shows").
 */
abstract class LandingPageContract extends ServerContract {
  private static final String OTHER_SECRET = "another-server-secret-0123456789abcdefghijkl";

  // ---------------------------------------------------------------- valid

  @Test
  void aValidTokenShowsTheConsentPage() {
    Deployment d = server.newDeployment();
    JsonNode created = create(d, "LANDING-00001");
    String token = created.get("access_token").asText();
    assertThat(created.get("redirect_url").asText()).endsWith("/" + token);

    HttpResponse<String> page = server.get("/" + token);
    assertThat(page.statusCode()).isEqualTo(200);
    assertHtml(page);
    assertThat(page.body()).contains("action=\"/" + token + "/consent\"");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'none'"));
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Location")).isEmpty();
    // The token is in the URL; nothing of the page may be cached on the way.
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");

    // Reloading the link is fine.
    assertThat(server.get("/" + token).statusCode()).isEqualTo(200);
  }

  @Test
  void theTokenIsTheVendorsJwtWithAKid() throws Exception {
    Deployment d = server.newDeployment();
    Instant before = server.clock().instant();
    String token = create(d, "LANDING-JWT01").get("access_token").asText();
    SignedJWT jwt = SignedJWT.parse(token);
    String headerJson =
        new String(Base64URL.from(token.split("\\.")[0]).decode(), StandardCharsets.UTF_8);
    assertThat(headerJson).startsWith("{\"typ\":\"JWT\",\"alg\":\"HS256\"");
    assertThat(jwt.getHeader().getKeyID()).isNotBlank();
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getStringClaim("uid")).isEqualTo("LANDING-JWT01");
    assertThat(claims.getStringClaim("integration_id")).isEqualTo(d.testIntegrationId());
    assertThat(claims.getStringClaim("company_id")).isEqualTo(d.companyId());
    assertThat(claims.getStringClaim("url")).isEqualTo(server.config().publicUrl());
    assertThat(claims.getExpirationTime().toInstant().getEpochSecond())
        .isBetween(
            before.getEpochSecond() + 24 * 3600 - 1, before.getEpochSecond() + 24 * 3600 + 2);
    assertThat(claims.getJWTID()).isNotBlank();
    // Signed with the server's secret, never with the lender's key.
    assertThat(jwt.verify(new com.nimbusds.jose.crypto.MACVerifier(tokenSecret(server)))).isTrue();
  }

  // ---------------------------------------------------------------- not ours

  @Test
  void aTokenWithOneCharacterOfThePayloadChangedIsNotValid() {
    Deployment d = server.newDeployment();
    String token = create(d, "LANDING-TAMP1").get("access_token").asText();
    String[] parts = token.split("\\.");
    int middle = parts[1].length() / 2;
    char changed = parts[1].charAt(middle) == 'A' ? 'B' : 'A';
    String tampered =
        parts[0]
            + "."
            + parts[1].substring(0, middle)
            + changed
            + parts[1].substring(middle + 1)
            + "."
            + parts[2];
    assertInvalidPage(server.get("/" + tampered));

    // The same in the signature and in the header.
    String badSignature = parts[0] + "." + parts[1] + "." + flip(parts[2]);
    assertInvalidPage(server.get("/" + badSignature));
    String badHeader = flip(parts[0]) + "." + parts[1] + "." + parts[2];
    assertInvalidPage(server.get("/" + badHeader));
  }

  @Test
  void aPayloadRewrittenToLiveLongerIsNotValid() throws Exception {
    Deployment d = server.newDeployment();
    String token = create(d, "LANDING-TAMP2").get("access_token").asText();
    String[] parts = token.split("\\.");
    SignedJWT jwt = SignedJWT.parse(token);
    JWTClaimsSet longer =
        new JWTClaimsSet.Builder(jwt.getJWTClaimsSet())
            .expirationTime(Date.from(Instant.now().plus(Duration.ofDays(3650))))
            .build();
    String forged =
        parts[0]
            + "."
            + Base64URL.encode(longer.toString().getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertInvalidPage(server.get("/" + forged));
  }

  @Test
  void aTokenSignedWithAnotherSecretIsNotValid() throws Exception {
    Deployment d = server.newDeployment();
    String token = create(d, "LANDING-OTHER").get("access_token").asText();
    SignedJWT original = SignedJWT.parse(token);

    // Same header (so the same kid), same claims, other secret.
    assertInvalidPage(server.get("/" + sign(original.getHeader(), original, OTHER_SECRET)));
    // The kid of the other secret, or none at all.
    assertInvalidPage(
        server.get(
            "/"
                + sign(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(AccessTokens.kid(OTHER_SECRET))
                        .build(),
                    original,
                    OTHER_SECRET)));
    assertInvalidPage(
        server.get("/" + sign(new JWSHeader(JWSAlgorithm.HS256), original, OTHER_SECRET)));
    // The alg "none" trick: the claims with no signature at all.
    String none =
        Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}")
            + "."
            + original.getPayload().toBase64URL()
            + ".";
    assertInvalidPage(server.get("/" + none));

    // The genuine one still opens.
    assertThat(server.get("/" + token).statusCode()).isEqualTo(200);
  }

  @Test
  void aGenuinelySignedTokenForAnUnknownSessionIsNotValid() throws Exception {
    Deployment d = server.newDeployment();
    Deployment other = server.newDeployment();
    String token = create(d, "LANDING-UNKN1").get("access_token").asText();
    SignedJWT original = SignedJWT.parse(token);
    String secret = server.config().tokenSecret().value();

    // A session id that was never issued.
    JWTClaimsSet unknownSession =
        new JWTClaimsSet.Builder(original.getJWTClaimsSet())
            .jwtID("0123456789abcdef01234567")
            .build();
    assertInvalidPage(server.get("/" + sign(original.getHeader(), unknownSession, secret)));

    // A real session id, but claimed for another integration.
    JWTClaimsSet otherIntegration =
        new JWTClaimsSet.Builder(original.getJWTClaimsSet())
            .claim("integration_id", other.testIntegrationId())
            .build();
    assertInvalidPage(server.get("/" + sign(original.getHeader(), otherIntegration, secret)));

    // Without a jti or an exp, a token names no session.
    JWTClaimsSet noJti = new JWTClaimsSet.Builder(original.getJWTClaimsSet()).jwtID(null).build();
    assertInvalidPage(server.get("/" + sign(original.getHeader(), noJti, secret)));
    JWTClaimsSet noExp =
        new JWTClaimsSet.Builder(original.getJWTClaimsSet()).expirationTime(null).build();
    assertInvalidPage(server.get("/" + sign(original.getHeader(), noExp, secret)));
  }

  @Test
  void garbageIsAPlainNotFoundPage() {
    for (String path :
        List.of(
            "/not-a-token",
            "/a.b.c",
            "/eyJhbGciOiJIUzI1NiJ9",
            "/eyJhbGciOiJIUzI1NiJ9.e30.",
            "/%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "/" + "x".repeat(3000))) {
      HttpResponse<String> page = server.get(path);
      assertInvalidPage(page);
      assertThat(page.body()).as(path).doesNotContain("<script>alert(1)</script>");
    }
  }

  // ---------------------------------------------------------------- expiry

  @Test
  void anExpiredTokenShowsTheBuiltInExpiredPage() {
    Deployment d = server.newDeployment();
    String token = create(d, "LANDING-EXP01").get("access_token").asText();

    server.clock().advance(Duration.ofHours(24).minusMinutes(1));
    assertThat(server.get("/" + token).statusCode()).as("a minute before expiry").isEqualTo(200);

    server.clock().advance(Duration.ofMinutes(1).plusSeconds(1));
    HttpResponse<String> page = server.get("/" + token);
    assertThat(page.statusCode()).isEqualTo(410);
    assertHtml(page);
    assertThat(page.body()).containsIgnoringCase("expired");
    assertThat(page.headers().firstValue("Location")).isEmpty();
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();

    // Still expired on reload, and the uid is spent.
    assertThat(server.get("/" + token).statusCode()).isEqualTo(410);
    HttpResponse<String> again = createRaw(d, "LANDING-EXP01");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(json(again).get("code").asText()).isEqualTo("uid_already_used");
    assertThat(json(again).get("detail").asText()).contains("LANDING-EXP01");
    // The suffix the lender is told to use works.
    assertThat(createRaw(d, "LANDING-EXP01-2").statusCode()).isEqualTo(200);
  }

  @Test
  void anExpiredTokenRedirectsToTheExpiredUrlWhenSet() {
    Deployment d = server.newDeployment();
    String expiredUrl = "https://lender.example.com/expired?from=credence";
    server.patchIntegration(d.testIntegrationId(), "{\"expired_url\":\"" + expiredUrl + "\"}");
    String token = create(d, "LANDING-EXP02").get("access_token").asText();

    server.clock().advance(Duration.ofHours(25));
    HttpResponse<String> page = server.get("/" + token);
    assertThat(page.statusCode()).isEqualTo(302);
    assertThat(page.headers().firstValue("Location")).hasValue(expiredUrl);

    HttpResponse<String> again = createRaw(d, "LANDING-EXP02");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(json(again).get("code").asText()).isEqualTo("uid_already_used");
  }

  @Test
  void theSessionTimeLimitOfTheEnvironmentDecidesExpiry() {
    Deployment d = server.newDeployment();
    server.patchIntegration(d.productionIntegrationId(), "{\"session_expiry_hours\":1}");
    String token =
        json(server.createSession(
                d.productionKey(), sessionBody("LANDING-EXP03", d.productionIntegrationId())))
            .get("access_token")
            .asText();
    server.clock().advance(Duration.ofMinutes(59));
    assertThat(server.get("/" + token).statusCode()).isEqualTo(200);
    server.clock().advance(Duration.ofMinutes(2));
    assertThat(server.get("/" + token).statusCode()).isEqualTo(410);
  }

  @Test
  void aUidIsSpentByExpiryEvenIfTheLinkWasNeverOpened() {
    Deployment d = server.newDeployment();
    String first = create(d, "LANDING-EXP04").get("access_token").asText();
    // While open, a retry is the same session.
    assertThat(create(d, "LANDING-EXP04").get("access_token").asText()).isEqualTo(first);
    server.clock().advance(Duration.ofHours(24).plusSeconds(1));
    HttpResponse<String> again = createRaw(d, "LANDING-EXP04");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(json(again).get("code").asText()).isEqualTo("uid_already_used");
  }

  // ---------------------------------------------------------------- rotating the token secret

  @Test
  void aTokenOfThePreviousSecretStaysValidAfterRotation() throws Exception {
    Deployment d = server.newDeployment();
    String oldToken = create(d, "LANDING-ROT01").get("access_token").asText();
    String oldSecret = server.config().tokenSecret().value();
    String newSecret = "rotated-token-secret-0123456789abcdefghijkl";

    try (RunningServer rotated =
        sameStore(
            Map.of(
                "CREDENCE_TOKEN_SECRET", newSecret,
                "CREDENCE_TOKEN_SECRET_PREVIOUS", oldSecret))) {
      assertThat(rotated.config().previousTokenSecrets()).hasSize(1);
      HttpResponse<String> page = rotated.get("/" + oldToken);
      assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
      assertThat(page.body()).contains("/" + oldToken + "/consent");

      // New tokens come from the new secret, under another kid ...
      String newToken =
          json(rotated.createSession(
                  d.testKey(), sessionBody("LANDING-ROT02", d.testIntegrationId())))
              .get("access_token")
              .asText();
      assertThat(SignedJWT.parse(newToken).getHeader().getKeyID())
          .isNotEqualTo(SignedJWT.parse(oldToken).getHeader().getKeyID());
      assertThat(rotated.get("/" + newToken).statusCode()).isEqualTo(200);
      // ... which the old server, that never knew the new secret, refuses.
      assertInvalidPage(server.get("/" + newToken));
      // A retry of the old uid on the new server re-issues the open session under the new secret.
      String reissued =
          json(rotated.createSession(
                  d.testKey(), sessionBody("LANDING-ROT01", d.testIntegrationId())))
              .get("access_token")
              .asText();
      assertThat(SignedJWT.parse(reissued).getJWTClaimsSet().getJWTID())
          .isEqualTo(SignedJWT.parse(oldToken).getJWTClaimsSet().getJWTID());
      assertThat(rotated.get("/" + reissued).statusCode()).isEqualTo(200);
    }

    // Without the previous secret, the old token is no longer ours.
    try (RunningServer forgetful = sameStore(Map.of("CREDENCE_TOKEN_SECRET", newSecret))) {
      assertInvalidPage(forgetful.get("/" + oldToken));
    }
  }

  /** A second server on this server's store and master key, its clock at this server's time. */
  private RunningServer sameStore(Map<String, String> extra) {
    Config config = server.config();
    Map<String, String> env = new HashMap<>(extra);
    env.put("CREDENCE_DATA_DIR", config.dataDir().toString());
    env.put("CREDENCE_MASTER_KEY", config.masterKey().value());
    if (!config.database().isH2()) {
      env.put("CREDENCE_DATABASE_URL", config.database().url());
      env.put("CREDENCE_DATABASE_USER", config.database().user());
      env.put("CREDENCE_DATABASE_PASSWORD", config.database().password().value());
    }
    RunningServer second = RunningServer.start(database(), env);
    Duration behind = Duration.between(second.clock().instant(), server.clock().instant());
    if (!behind.isNegative()) {
      second.clock().advance(behind);
    }
    return second;
  }

  // ---------------------------------------------------------------- helpers

  private JsonNode create(Deployment d, String uid) {
    HttpResponse<String> response = createRaw(d, uid);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  private HttpResponse<String> createRaw(Deployment d, String uid) {
    return server.createSession(d.testKey(), sessionBody(uid, d.testIntegrationId()));
  }

  private static byte[] tokenSecret(RunningServer server) {
    return server.config().tokenSecret().value().getBytes(StandardCharsets.UTF_8);
  }

  private static String sign(JWSHeader header, SignedJWT claimsOf, String secret) throws Exception {
    return sign(header, claimsOf.getJWTClaimsSet(), secret);
  }

  private static String sign(JWSHeader header, JWTClaimsSet claims, String secret)
      throws Exception {
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }

  private static String flip(String base64url) {
    int middle = base64url.length() / 2;
    char changed = base64url.charAt(middle) == 'A' ? 'B' : 'A';
    return base64url.substring(0, middle) + changed + base64url.substring(middle + 1);
  }

  private static void assertHtml(HttpResponse<String> page) {
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.body()).startsWith("<!DOCTYPE html>");
  }

  /** A plain page: 404, HTML, no redirect, nothing of a stack trace or of the server's inside. */
  private static void assertInvalidPage(HttpResponse<String> page) {
    assertThat(page.statusCode()).as(page.uri() + " " + page.body()).isEqualTo(404);
    assertHtml(page);
    assertThat(page.body()).contains("This link does not work");
    assertThat(page.headers().firstValue("Location")).isEmpty();
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(page.body())
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain("dev.credence")
        .doesNotContain("\"code\"");
  }
}
