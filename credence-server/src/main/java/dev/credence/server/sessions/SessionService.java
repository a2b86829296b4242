package dev.credence.server.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.credence.api.Signatures;
import dev.credence.api.UidRules;
import dev.credence.api.UidViolation;
import dev.credence.server.deployments.DeploymentService;
import dev.credence.server.deployments.Environment;
import dev.credence.server.deployments.EnvironmentKind;
import dev.credence.server.errors.Refusal;
import dev.credence.server.errors.Refusal.Kind;
import dev.credence.server.http.Json;
import dev.credence.server.http.RequestLog;
import dev.credence.server.store.Ids;
import dev.credence.server.store.StoreErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Creating a session, every rule of docs/integration-guide.md ("Create a session" to "HMAC request
 * signing"), in the order it fixes: 401 (who is calling), 403 (may they use this integration), 422
 * (is the body valid), 429 (limits), then 409 or the session. Nothing is written before every check
 * has passed.
 */
public final class SessionService {
  /** Checked against when no integration matches, so an unknown id costs the same as a bad one. */
  private static final String DECOY_KEY = "crd_live_" + "0".repeat(40);

  /** The keys a signature alone is checked against: an environment has two at most. */
  private static final int KEYS_CHECKED = 2;

  private final DeploymentService deployments;
  private final SessionStore sessions;
  private final SessionLifecycle lifecycle;
  private final SessionWriter writer;
  private final AccessTokens tokens;
  private final RateLimiter rateLimiter;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Map<EnvironmentKind, Counter> created = new EnumMap<>(EnvironmentKind.class);

  /**
   * @param meters where {@code credence_session_creations_total} counts new sessions by environment
   *     kind (an idempotent retry that hands back an existing session is not counted)
   */
  public SessionService(
      DeploymentService deployments,
      SessionStore sessions,
      SessionLifecycle lifecycle,
      SessionWriter writer,
      AccessTokens tokens,
      RateLimiter rateLimiter,
      Clock clock,
      LongSupplier nanoTime,
      MeterRegistry meters) {
    this.deployments = deployments;
    this.sessions = sessions;
    this.lifecycle = lifecycle;
    this.writer = writer;
    this.tokens = tokens;
    this.rateLimiter = rateLimiter;
    this.clock = clock;
    this.nanoTime = nanoTime;
    for (EnvironmentKind kind : EnvironmentKind.values()) {
      created.put(
          kind,
          Counter.builder("credence.session.creations")
              .description("Sessions created, by the kind of environment they belong to")
              .tag("kind", kind.name().toLowerCase(Locale.ROOT))
              .register(meters));
    }
  }

  /** A session handed out, with its token; {@code created} is false for an idempotent retry. */
  public record Issued(
      Session session, Environment environment, String accessToken, boolean created) {}

  public Issued create(String apiKey, String signature, byte[] body) {
    Environment environment;
    JsonNode request;
    if (present(apiKey)) {
      environment = authenticateByKey(apiKey.trim(), signature, body);
      request = Json.parseObject(body);
      checkIntegration(request, environment);
    } else if (present(signature)) {
      request = parseSignedOnly(body);
      environment = authenticateBySignature(request, signature, body);
    } else {
      throw unauthorized("api_key_missing", "Missing api-key header");
    }
    RequestLog.integration(environment.integrationId());
    String uid = uid(request);
    limitRate(environment);
    return open(environment, uid);
  }

  /** A simulation let in: its Test environment, the request and its uid. */
  public record Admitted(Environment environment, JsonNode request, String uid) {}

  /**
   * The checks of {@code POST /v1/sessions-management/simulate} up to its own fields, in create's
   * order: 401 (the api-key and, where the integration requires it, X-Signature), 403 {@code
   * simulation_not_allowed} for a Production key (the key alone says so), 403 for another
   * integration, 422 for integration_id and uid. Nothing is written.
   */
  public Admitted admitSimulation(String apiKey, String signature, byte[] body) {
    if (!present(apiKey)) {
      throw unauthorized("api_key_missing", "Missing api-key header");
    }
    Environment environment = authenticateByKey(apiKey.trim(), signature, body);
    RequestLog.integration(environment.integrationId());
    requireTest(environment);
    JsonNode request = Json.parseObject(body);
    checkIntegration(request, environment);
    return new Admitted(environment, request, uid(request));
  }

  /** Refuses a simulation outside a Test environment: 403 {@code simulation_not_allowed}. */
  public static void requireTest(Environment environment) {
    if (environment.kind() != EnvironmentKind.TEST) {
      throw new Refusal(
          Kind.FORBIDDEN,
          "simulation_not_allowed",
          "Simulations run only in a Test environment; this one is Production");
    }
  }

  /**
   * Opens a simulated session for {@code uid}: the uid rules and the open-session cap of {@link
   * #open}. A simulation never takes over a session, so a uid that has one already, open or
   * finished, is 409 {@code uid_already_used}.
   */
  public Session openSimulated(Environment environment, String uid) {
    Issued issued = open(environment, uid, true);
    if (!issued.created()) {
      throw used(uid, "still open");
    }
    return issued.session();
  }

  /**
   * Opens a session for {@code uid} on an environment whose caller has been let in: the uid rules,
   * the open-session cap, the time limit, and an open uid handed back as it is ({@code created}
   * false), exactly as the session API applies them. The dashboard's link generator calls this too;
   * only the API's per-minute rate limit, a guard against a flood of calls, stays with the API.
   */
  public Issued open(Environment environment, String uid) {
    return open(environment, uid, false);
  }

  private Issued open(Environment environment, String uid, boolean simulated) {
    checkUid(uid);
    Instant now = now();
    Session session = newSession(environment, uid, now, simulated);
    if (!store(session, environment.settings().maxOpenSessions(), now)) {
      Optional<Session> existing = sessions.findByUid(environment.integrationId(), uid);
      if (existing.isEmpty()) {
        // Only an erased session's tombstone holds the uid now (by its hash): still used.
        throw used(uid, SessionStatus.ERASED.name().toLowerCase(Locale.ROOT));
      }
      return reuse(existing.get(), environment, now);
    }
    created.get(environment.kind()).increment();
    return new Issued(session, environment, tokens.issue(session, environment), true);
  }

  /**
   * Stores a new session. Without a cap it is committed together with the sessions of concurrent
   * calls ({@link SessionWriter}), and the unique key on (integration, uid) finds a retry, which
   * saves a read on the common path. Under a cap a retry must be recognised before counting, or a
   * full integration would refuse its own open sessions; the count and the insert keep a
   * transaction of their own, with the environment's row locked.
   *
   * @return false if the uid already has a session (nothing was stored)
   */
  private boolean store(Session session, Integer cap, Instant now) {
    if (cap == null) {
      return writer.open(session);
    }
    try {
      if (sessions.findByUid(session.integrationId(), session.uid()).isPresent()) {
        return false;
      }
      if (lifecycle.openWithinCap(session, cap, now)) {
        return true;
      }
    } catch (RuntimeException e) {
      if (StoreErrors.isUniqueViolation(e)) {
        return false; // this uid has a session, perhaps made by a concurrent call
      }
      throw e;
    }
    throw new Refusal(
        Kind.TOO_MANY,
        "open_sessions_limit",
        "This integration already has "
            + cap
            + " open sessions, its limit; retry when some finish or expire",
        60);
  }

  private Environment authenticateByKey(String apiKey, String signature, byte[] body) {
    Environment environment =
        deployments
            .authenticate(apiKey)
            .orElseThrow(() -> unauthorized("api_key_invalid", "Invalid api-key"));
    if (environment.settings().hmacRequired()) {
      if (!present(signature)) {
        throw unauthorized(
            "signature_missing",
            "This integration requires HMAC signing: send X-Signature, the hex HMAC-SHA512 of the"
                + " compact JSON body keyed with the API key");
      }
      if (!Signatures.verifyRequestBody(apiKey, body, signature)) {
        throw unauthorized("signature_invalid", "X-Signature does not match the request body");
      }
    }
    return environment;
  }

  /**
   * The vendor's sample client sends only X-Signature: the key is found through the integration id,
   * and a valid signature proves the caller holds it (the current key, or the previous one during a
   * rotation's overlap). Every failure here is the same 401, so an unsigned caller learns nothing
   * about which integration ids exist.
   */
  private Environment authenticateBySignature(JsonNode request, String signature, byte[] body) {
    JsonNode id = request.get("integration_id");
    Optional<Environment> environment =
        id != null && id.isTextual()
            ? deployments.findIntegration(id.textValue())
            : Optional.empty();
    // The current key, and the previous one while a rotation's overlap runs (decision 0027).
    List<String> keys = environment.map(deployments::apiKeys).orElse(List.of());
    boolean valid = false;
    for (int i = 0; i < KEYS_CHECKED; i++) {
      // As many checks whatever was found; a decoy's match counts for nothing.
      boolean real = i < keys.size();
      boolean matches =
          Signatures.verifyRequestBody(real ? keys.get(i) : DECOY_KEY, body, signature);
      valid |= real && matches;
    }
    if (environment.isEmpty() || !valid) {
      throw unauthorized(
          "signature_invalid",
          "X-Signature does not match the request body for this integration_id (or send the"
              + " api-key header)");
    }
    return environment.get();
  }

  private static JsonNode parseSignedOnly(byte[] body) {
    try {
      return Json.parseObject(body);
    } catch (Refusal e) {
      throw unauthorized(
          "signature_invalid",
          "Missing api-key header; a request signed with X-Signature alone must carry a JSON body"
              + " with integration_id");
    }
  }

  private Issued reuse(Session existing, Environment environment, Instant now) {
    if (existing.isOpenAt(now)) {
      return new Issued(existing, environment, tokens.issue(existing, environment), false);
    }
    String state = existing.isExpiredAt(now) ? "expired" : existing.status().name().toLowerCase();
    throw used(existing.uid(), state);
  }

  private static Refusal used(String uid, String state) {
    return Refusal.conflict(
        "uid_already_used",
        "uid '"
            + uid
            + "' was already used for an assessment that is "
            + state
            + "; a uid names one assessment, so to assess again use a new uid such as '"
            + suggestion(uid)
            + "'");
  }

  /** The session API's per-minute rate limit, which creates and simulations count against. */
  public void limitRate(Environment environment) {
    Integer perMinute = environment.settings().rateLimitPerMinute();
    if (perMinute == null) {
      return;
    }
    Duration wait =
        rateLimiter.acquire(environment.integrationId(), perMinute, nanoTime.getAsLong());
    if (!wait.isZero()) {
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      throw new Refusal(
          Kind.TOO_MANY,
          "rate_limited",
          "This integration allows "
              + perMinute
              + " new sessions a minute; retry after "
              + seconds
              + " s",
          (int) seconds);
    }
  }

  private Session newSession(Environment environment, String uid, Instant now, boolean simulated) {
    Instant expires = now.plus(environment.settings().sessionExpiryHours(), ChronoUnit.HOURS);
    return new Session(
        Ids.newOrderedId(now),
        environment.integrationId(),
        uid,
        SessionStatus.CREATED,
        now,
        expires,
        null,
        null,
        simulated);
  }

  private static void checkIntegration(JsonNode request, Environment environment) {
    String integrationId = integrationId(request);
    if (!integrationId.equals(environment.integrationId())) {
      throw new Refusal(
          Kind.FORBIDDEN,
          "integration_forbidden",
          "This api-key does not belong to integration_id '"
              + integrationId
              + "'; each environment (Test, Production) of each deployment has its own key");
    }
  }

  private static String integrationId(JsonNode request) {
    JsonNode value = request.get("integration_id");
    if (value == null || value.isNull()) {
      throw Refusal.invalid("integration_id_missing", "integration_id is required");
    }
    if (!value.isTextual()) {
      throw Refusal.invalid("integration_id_type", "integration_id must be a string");
    }
    return value.textValue();
  }

  private static String uid(JsonNode request) {
    JsonNode value = request.get("uid");
    if (value == null || value.isNull()) {
      throw Refusal.invalid("uid_missing", "uid is required");
    }
    if (!value.isTextual()) {
      throw Refusal.invalid("uid_type", "uid must be a string (send numeric ids in quotes)");
    }
    checkUid(value.textValue());
    return value.textValue();
  }

  private static void checkUid(String uid) {
    Optional<UidViolation> violation = UidRules.check(uid);
    if (violation.isPresent()) {
      throw Refusal.invalid(violation.get().code(), violation.get().detail());
    }
  }

  private static String suggestion(String uid) {
    String suffixed = uid + "-2";
    return suffixed.length() <= UidRules.MAX_LENGTH
        ? suffixed
        : uid.substring(0, UidRules.MAX_LENGTH - 2) + "-2";
  }

  private static Refusal unauthorized(String code, String detail) {
    return new Refusal(Kind.UNAUTHENTICATED, code, detail);
  }

  private static boolean present(String header) {
    return header != null && !header.isBlank();
  }

  /** Whole seconds: times leave the system as epoch seconds, and a re-issued token must match. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
