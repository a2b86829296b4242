package dev.credence.client;

/**
 * The API answered with an error: its HTTP status, the {@code code} to branch on (such as {@code
 * uid_email}) and the {@code detail} sentence meant for a person. The subclasses name the statuses
 * a lender handles differently; any other status (400, 413, 424, 500, ...) is this class itself.
 */
public class CredenceApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String detail;
  private final String requestId;

  public CredenceApiException(int status, String code, String detail, String requestId) {
    super(status + " " + code + ": " + detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.requestId = requestId;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** Credence's stable machine-readable code, such as {@code uid_already_used}. */
  public String code() {
    return code;
  }

  /** The vendor's {@code detail}: a sentence for the lender's engineer. */
  public String detail() {
    return detail;
  }

  /** The server's {@code X-Request-Id} to quote to the operator; null if there was none. */
  public String requestId() {
    return requestId;
  }
}
