package dev.credence.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * The floor of the session-API benchmark: the least work a create-session call can do.
 *
 * <p>It serves {@code POST /v1/sessions-management/tokens} with the same framework, JSON library
 * and JWT library as the real server, but no API-key check, no uid rules and no database: it reads
 * the body into a tree, takes {@code uid} and {@code integration_id}, signs an HS256 token and
 * answers. Whatever the real server does beyond this is what the benchmark's ratio measures.
 *
 * <p>Usage: {@code java -jar credence-floor.jar [port]} (or env {@code PORT}; default 7080).
 */
public final class FloorServer {

  static final String PATH = "/v1/sessions-management/tokens";
  static final String KEY_ID = "floor-1";
  static final String COMPANY_ID = "00000000000000000000f100";
  static final Duration SESSION_TIME_LIMIT = Duration.ofHours(24);

  /** A fixed secret: the floor's tokens protect nothing, they only cost what signing costs. */
  private static final byte[] SECRET =
      "credence-bench-floor-secret-32by".getBytes(StandardCharsets.US_ASCII);

  private static final HexFormat HEX = HexFormat.of();

  private final ObjectMapper json = new ObjectMapper();
  private final SecureRandom random = new SecureRandom();
  private final MACSigner signer;
  private final JWSHeader header;
  private final String publicUrl;
  private final String apiUrl;

  FloorServer(String publicUrl, String apiUrl) {
    try {
      this.signer = new MACSigner(SECRET);
    } catch (JOSEException e) {
      throw new IllegalStateException("the fixed secret must be 256 bits", e);
    }
    this.header =
        new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(KEY_ID).build();
    this.publicUrl = publicUrl;
    this.apiUrl = apiUrl;
  }

  public static void main(String[] args) {
    int port = port(args);
    String base = "http://127.0.0.1:" + port;
    FloorServer floor = new FloorServer(base, base);
    Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.host = "127.0.0.1";
              config.jetty.port = port;
              config.routes.post(PATH, floor::createSession);
            })
        .start();
    System.out.println("credence-floor listening on " + base + PATH);
  }

  /** The port from the first argument, else env {@code PORT}, else 7080. */
  static int port(String[] args) {
    String value = args.length > 0 ? args[0] : System.getenv("PORT");
    if (value == null || value.isBlank()) {
      return 7080;
    }
    return Integer.parseInt(value.trim());
  }

  void createSession(Context ctx) throws JsonProcessingException, JOSEException {
    JsonNode body;
    try {
      body = json.readTree(ctx.bodyAsBytes());
    } catch (java.io.IOException e) {
      unprocessable(ctx, "body is not JSON", "invalid_json");
      return;
    }
    if (body == null || !body.isObject()) {
      unprocessable(ctx, "body must be a JSON object", "invalid_body");
      return;
    }
    JsonNode uid = body.get("uid");
    JsonNode integrationId = body.get("integration_id");
    if (uid == null || !uid.isTextual()) {
      unprocessable(ctx, "uid is required and must be a string", "uid_missing");
      return;
    }
    if (integrationId == null || !integrationId.isTextual()) {
      unprocessable(
          ctx, "integration_id is required and must be a string", "integration_id_missing");
      return;
    }

    Instant now = Instant.now();
    Instant expiresAt = now.plus(SESSION_TIME_LIMIT);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .claim("uid", uid.textValue())
            .claim("company_id", COMPANY_ID)
            .claim("integration_id", integrationId.textValue())
            .claim("url", apiUrl)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expiresAt))
            .jwtID(newId())
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    String token = jwt.serialize();

    ObjectNode response = json.createObjectNode();
    response.put("access_token", token);
    response.put("url", apiUrl);
    response.put("redirect_url", publicUrl + "/" + token);
    response.put("expires_at", expiresAt.getEpochSecond());
    ctx.status(200).contentType("application/json").result(json.writeValueAsBytes(response));
  }

  /** 24 hex characters, the shape of the vendor's ids. */
  private String newId() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return HEX.formatHex(bytes);
  }

  private void unprocessable(Context ctx, String detail, String code)
      throws JsonProcessingException {
    ObjectNode error = json.createObjectNode();
    error.put("detail", detail);
    error.put("code", code);
    ctx.status(422).contentType("application/json").result(json.writeValueAsBytes(error));
  }
}
