package dev.credence.server.http;

import dev.credence.api.ErrorBody;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers, for requests it refuses before any route runs: a request line it
 * cannot parse (400), headers over the size limit (431), a URI it will not route (400). They carry
 * the headers of every other answer and the same {@code {"detail", "code"}} body, where Jetty would
 * otherwise write an HTML page without them.
 */
final class JettyErrors implements Request.Handler {
  /** The body is JSON: nothing in it may load or be framed. */
  private static final String POLICY = "default-src 'none'; frame-ancestors 'none'";

  private final SecurityHeaders headers;

  JettyErrors(SecurityHeaders headers) {
    this.headers = headers;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    String reason = (String) request.getAttribute(ErrorHandler.ERROR_MESSAGE);
    if (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof HttpException failure) {
      status = failure.getCode();
      response.setStatus(status);
      reason = reason == null ? failure.getReason() : reason;
    }
    HttpFields.Mutable fields = response.getHeaders();
    fields.put(HttpEdge.REQUEST_ID, HttpEdge.newRequestId());
    headers.forEach(fields::put);
    fields.put("Content-Security-Policy", POLICY);
    if (HttpStatus.hasNoBody(status) || HttpMethod.HEAD.is(request.getMethod())) {
      callback.succeeded();
      return true;
    }
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    ErrorBody body = new ErrorBody(detail(status, reason), HttpEdge.codeFor(status));
    byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }

  private static String detail(int status, String reason) {
    String name = HttpStatus.getMessage(status);
    return reason == null || reason.isBlank() || reason.equals(name) ? name : name + ": " + reason;
  }
}
