package dev.credence.server.errors;

/**
 * A request the server will not carry out, said in the domain's words: what kind of refusal it is,
 * a machine-readable {@code code} and a human {@code detail}. Any part may throw it; only the HTTP
 * edge ({@code http/HttpEdge}) turns the kind into a status and the refusal into {@code {"detail",
 * "code"}}. Nothing has changed when it is thrown.
 */
public class Refusal extends RuntimeException {
  /** What is wrong, from the caller's side. */
  public enum Kind {
    /** The request could not be read at all. */
    UNREADABLE,
    /** Who is calling is unknown: no or a wrong credential, or a signed-out user. */
    UNAUTHENTICATED,
    /** The caller is known and may not do this. */
    FORBIDDEN,
    /** What the request names does not exist. */
    NOT_FOUND,
    /** It exists, but its state does not allow this now. */
    CONFLICT,
    /** It existed and is gone for good (a used invitation). */
    GONE,
    /** The request is larger than allowed. */
    TOO_LARGE,
    /** The request's content type is not one this accepts. */
    UNSUPPORTED_TYPE,
    /** The request was read, and a value in it is not acceptable. */
    INVALID,
    /** Too many requests: a limit holds until {@code retryAfterSeconds}. */
    TOO_MANY,
    /** Something the request needs is not available now; retrying later may work. */
    UNAVAILABLE
  }

  private final Kind kind;
  private final String code;
  private final Integer retryAfterSeconds;
  private final String challenge;

  public Refusal(Kind kind, String code, String detail) {
    this(kind, code, detail, null, null);
  }

  /** {@code retryAfterSeconds}: when the caller may try again, or null to say nothing. */
  public Refusal(Kind kind, String code, String detail, Integer retryAfterSeconds) {
    this(kind, code, detail, retryAfterSeconds, null);
  }

  private Refusal(
      Kind kind, String code, String detail, Integer retryAfterSeconds, String challenge) {
    super(detail, null, false, false);
    this.kind = kind;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.challenge = challenge;
  }

  /**
   * No or a wrong credential, where {@code scheme} (such as {@code Bearer}) is the one expected.
   */
  public static Refusal unauthenticated(String code, String detail, String scheme) {
    return new Refusal(Kind.UNAUTHENTICATED, code, detail, null, scheme);
  }

  public static Refusal invalid(String code, String detail) {
    return new Refusal(Kind.INVALID, code, detail);
  }

  public static Refusal notFound(String code, String detail) {
    return new Refusal(Kind.NOT_FOUND, code, detail);
  }

  public static Refusal conflict(String code, String detail) {
    return new Refusal(Kind.CONFLICT, code, detail);
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }

  /** The authentication scheme the caller should use, or null. */
  public String challenge() {
    return challenge;
  }

  /** When the caller may try again, in seconds; null when there is nothing to say. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
