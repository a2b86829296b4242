package dev.credence.server.audit;

/**
 * Who made a change, as a company's audit log names them: a dashboard user by e-mail address, or
 * the platform operator (the operator API and the command line alike) by the word {@code operator},
 * which no e-mail address can be, an environment's API key by {@code api-key}, or an environment's
 * retention period by {@code retention}.
 */
public final class Actor {
  /** The platform operator: the operator API and the command line. */
  public static final Actor OPERATOR = new Actor("operator");

  /** An environment's API key: the lender's own system, calling webhook management. */
  public static final Actor API_KEY = new Actor("api-key");

  /** An environment's retention period, erasing the sessions that outlived it. */
  public static final Actor RETENTION = new Actor("retention");

  /** A signed-in dashboard user: a member of one company, known by e-mail address. */
  public interface User {
    String companyId();

    String email();
  }

  private final String name;

  private Actor(String name) {
    this.name = name;
  }

  public static Actor of(User user) {
    return new Actor(user.email());
  }

  /** What the audit log shows under "Who". */
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }
}
