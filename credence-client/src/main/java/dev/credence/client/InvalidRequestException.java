package dev.credence.client;

/**
 * 422: the request is not valid: a uid rule broken ({@code uid_email}, {@code uid_length}, ...), a
 * body the server could not read, or a wrong query parameter of the pull API ({@code
 * invalid_cursor}, {@code invalid_limit}, {@code invalid_since}).
 */
public class InvalidRequestException extends CredenceApiException {
  public InvalidRequestException(String code, String detail, String requestId) {
    super(422, code, detail, requestId);
  }
}
