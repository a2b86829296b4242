package dev.credence.server.console.links;

import static dev.credence.server.store.Timestamps.instant;
import static dev.credence.server.store.Timestamps.utc;

import dev.credence.api.UidRules;
import dev.credence.api.UidViolation;
import dev.credence.server.audit.AuditLog;
import dev.credence.server.console.web.CompanyEnvironments;
import dev.credence.server.console.web.CompanyEnvironments.Choice;
import dev.credence.server.console.web.ConsoleUser;
import dev.credence.server.deployments.Environment;
import dev.credence.server.errors.Refusal;
import dev.credence.server.sessions.AccessTokens;
import dev.credence.server.sessions.Session;
import dev.credence.server.sessions.SessionService;
import dev.credence.server.sessions.SessionStore;
import dev.credence.server.store.Ids;
import dev.credence.server.store.StoreErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The link generator: a batch of sessions with the uids {@code <name>-0001}, {@code <name>-0002},
 * ..., each made through {@link SessionService#open}, so every rule of the session API holds (uid
 * rules, the open-session cap, the time limit). A batch's links are never stored: its CSV signs
 * each session's token again, the same text as when it was made (decision 0008).
 *
 * <p>Sessions are made one by one and each is kept as soon as it is made. When one cannot be made
 * (Test's cap reached, say) the batch stops there and keeps what it has: its size is the number of
 * links made, which the page reports exactly.
 */
public final class LinkBatches {
  public static final int MAX_COUNT = 1000;
  public static final int MAX_NAME_LENGTH = 40;
  private static final int PROGRESS_EVERY = 100;

  /** Starts with a letter or digit, so no uid of a batch reads as a formula in a spreadsheet. */
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0," + (MAX_NAME_LENGTH - 1) + "}");

  private final Jdbi jdbi;
  private final CompanyEnvironments environments;
  private final SessionService sessions;
  private final SessionStore sessionStore;
  private final AccessTokens tokens;
  private final AuditLog audit;
  private final String publicUrl;
  private final Clock clock;

  public LinkBatches(
      Jdbi jdbi,
      CompanyEnvironments environments,
      SessionService sessions,
      SessionStore sessionStore,
      AccessTokens tokens,
      AuditLog audit,
      String publicUrl,
      Clock clock) {
    this.jdbi = jdbi;
    this.environments = environments;
    this.sessions = sessions;
    this.sessionStore = sessionStore;
    this.tokens = tokens;
    this.audit = audit;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  /** A batch as stored; {@code size} is the number of links it holds. */
  public record Batch(
      String id,
      String integrationId,
      String name,
      int size,
      String createdBy,
      Instant createdAt) {}

  /** A batch with the environment it belongs to, as the page lists it. */
  public record Listed(Batch batch, Choice environment) {}

  /**
   * What a request to generate gave: the batch with every link made ({@code made == requested}), or
   * stopped early with the reason; {@code batch} is null when not one link was made.
   */
  public record Generated(
      Batch batch, Choice environment, int requested, int made, String stoppedBecause) {
    public boolean complete() {
      return made == requested;
    }
  }

  /** One line of a batch's CSV. */
  public record Link(String uid, String url) {}

  public Generated generate(
      ConsoleUser actor, String integrationId, String rawName, String rawCount) {
    actor.requireAdmin();
    Environment environment = environments.find(actor, integrationId);
    Choice choice = environments.choice(actor, integrationId);
    String name = checkName(rawName);
    int count = checkCount(rawCount);
    List<String> uids = uids(name, count);
    checkUids(uids);
    if (exists(integrationId, name)) {
      throw taken(name, choice);
    }
    List<Session> used = sessionStore.findByUids(integrationId, uids);
    if (!used.isEmpty()) {
      throw Refusal.conflict(
          "batch_uid_used",
          "uid '"
              + used.get(0).uid()
              + "' already has a session in "
              + choice.label()
              + "; choose another batch name");
    }
    Batch batch = new Batch(Ids.newId(), integrationId, name, 0, actor.email(), clock.instant());
    reserve(batch, choice);
    int made = 0;
    String stoppedBecause = null;
    try {
      for (String uid : uids) {
        SessionService.Issued issued;
        try {
          issued = sessions.open(environment, uid);
        } catch (Refusal e) {
          stoppedBecause = e.detail();
          break;
        }
        if (!issued.created()) {
          stoppedBecause = "uid '" + uid + "' was given a session by another caller meanwhile";
          break;
        }
        made++;
        if (made % PROGRESS_EVERY == 0) {
          settle(batch, made); // a batch cut short by a crash still lists what it made
        }
      }
    } finally {
      settle(batch, made);
    }
    if (made == 0) {
      return new Generated(null, choice, count, 0, stoppedBecause);
    }
    Map<String, Object> after = new LinkedHashMap<>();
    after.put("batch", name);
    after.put("environment", choice.label());
    after.put("integration_id", integrationId);
    after.put("count", made);
    if (made < count) {
      after.put("requested", count);
    }
    audit.record(actor, "links.generated", "batch " + name + " in " + choice.label(), null, after);
    Batch stored =
        new Batch(batch.id(), integrationId, name, made, actor.email(), batch.createdAt());
    return new Generated(stored, choice, count, made, stoppedBecause);
  }

  /** The company's batches, newest first. */
  public List<Listed> list(ConsoleUser viewer) {
    Map<String, Choice> byId =
        environments.list(viewer.companyId()).stream()
            .collect(Collectors.toMap(Choice::integrationId, Function.identity()));
    List<Batch> batches =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT b.id, b.integration_id, b.name, b.size, b.created_by, b.created_at"
                            + " FROM link_batches b"
                            + " JOIN environments e ON e.integration_id = b.integration_id"
                            + " JOIN deployments d ON d.id = e.deployment_id"
                            + " WHERE d.company_id = ? AND b.size > 0"
                            + " ORDER BY b.created_at DESC, b.name")
                    .bind(0, viewer.companyId())
                    .map((rs, ctx) -> batch(rs))
                    .list());
    return batches.stream()
        .filter(b -> byId.containsKey(b.integrationId()))
        .map(b -> new Listed(b, byId.get(b.integrationId())))
        .toList();
  }

  /** A batch of the user's company; 404 for any other id. */
  public Listed find(ConsoleUser viewer, String batchId) {
    return list(viewer).stream()
        .filter(l -> l.batch().id().equals(batchId))
        .findFirst()
        .orElseThrow(() -> Refusal.notFound("batch_not_found", "There is no such batch of links."));
  }

  /** The links of a batch, in uid order: Admins only, for links let anyone take the assessment. */
  public List<Link> links(ConsoleUser actor, String batchId) {
    actor.requireAdmin();
    Listed listed = find(actor, batchId);
    Environment environment = environments.find(actor, listed.batch().integrationId());
    List<String> uids = uids(listed.batch().name(), listed.batch().size());
    Map<String, Session> byUid =
        sessionStore.findByUids(environment.integrationId(), uids).stream()
            .collect(Collectors.toMap(Session::uid, Function.identity()));
    List<Link> links = new ArrayList<>();
    for (String uid : uids) {
      Session session = byUid.get(uid);
      if (session != null) {
        links.add(new Link(uid, publicUrl + "/" + tokens.issue(session, environment)));
      }
    }
    return links;
  }

  /** The uids of a batch: the name, a dash, and the number on four digits. */
  static List<String> uids(String name, int count) {
    List<String> uids = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      uids.add(name + "-" + String.format(Locale.ROOT, "%04d", i));
    }
    return uids;
  }

  private static String checkName(String raw) {
    String name = raw == null ? "" : raw.strip();
    if (!NAME.matcher(name).matches()) {
      throw Refusal.invalid(
          "batch_name_invalid",
          "The batch name must be 1 to "
              + MAX_NAME_LENGTH
              + " characters: ASCII letters, digits, '-' and '_', starting with a letter or"
              + " digit.");
    }
    return name;
  }

  private static int checkCount(String raw) {
    int count;
    try {
      count = Integer.parseInt(raw == null ? "" : raw.strip());
    } catch (NumberFormatException e) {
      count = 0;
    }
    if (count < 1 || count > MAX_COUNT) {
      throw Refusal.invalid(
          "batch_count_invalid",
          "The number of links must be a whole number from 1 to " + MAX_COUNT + ".");
    }
    return count;
  }

  /** A name such as "123-45" gives uids shaped like personal data, which the uid rules refuse. */
  private static void checkUids(List<String> uids) {
    for (String uid : uids) {
      Optional<UidViolation> violation = UidRules.check(uid);
      if (violation.isPresent()) {
        throw Refusal.invalid(
            "batch_name_invalid",
            "This batch name makes uids such as '"
                + uid
                + "' that the uid rules refuse: "
                + violation.get().detail()
                + ". Choose another name.");
      }
    }
  }

  private boolean exists(String integrationId, String name) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT COUNT(*) FROM link_batches WHERE integration_id = ? AND name = ?")
                    .bind(0, integrationId)
                    .bind(1, name)
                    .mapTo(Integer.class)
                    .one()
                > 0);
  }

  /** Takes the name before the first session is made, so a second batch of the name is refused. */
  private void reserve(Batch batch, Choice choice) {
    try {
      jdbi.useHandle(
          h ->
              h.createUpdate(
                      "INSERT INTO link_batches (id, integration_id, name, size, created_by,"
                          + " created_at) VALUES (?, ?, ?, ?, ?, ?)")
                  .bind(0, batch.id())
                  .bind(1, batch.integrationId())
                  .bind(2, batch.name())
                  .bind(3, 0)
                  .bind(4, batch.createdBy())
                  .bind(5, utc(batch.createdAt()))
                  .execute());
    } catch (RuntimeException e) {
      if (StoreErrors.isUniqueViolation(e)) {
        throw taken(batch.name(), choice);
      }
      throw e;
    }
  }

  /** Records how many links the batch holds; a batch of none gives its name back. */
  private void settle(Batch batch, int made) {
    jdbi.useHandle(
        h -> {
          if (made == 0) {
            h.createUpdate("DELETE FROM link_batches WHERE id = ?").bind(0, batch.id()).execute();
          } else {
            h.createUpdate("UPDATE link_batches SET size = ? WHERE id = ?")
                .bind(0, made)
                .bind(1, batch.id())
                .execute();
          }
        });
  }

  private static Refusal taken(String name, Choice choice) {
    return Refusal.conflict(
        "batch_name_taken",
        "A batch named '"
            + name
            + "' already exists in "
            + choice.label()
            + "; choose another name.");
  }

  private static Batch batch(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new Batch(
        rs.getString("id"),
        rs.getString("integration_id"),
        rs.getString("name"),
        rs.getInt("size"),
        rs.getString("created_by"),
        instant(rs, "created_at"));
  }
}
