package dev.credence.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * The rest of a request refused for its size, read and dropped so that its sender reads the
 * refusal. A client sends its whole body before it reads the answer; a server that closes the
 * connection with bytes still unread makes the kernel reset it, and the reset discards the answer
 * on its way: the client would see "connection reset" instead of the status and reason.
 */
public final class RefusedBodies {
  private RefusedBodies() {}

  /**
   * Reads what is left of the request body, at most {@code limit} bytes; past that, or when the
   * body is announced as longer, the answer says {@code Connection: close} and the connection ends.
   */
  public static void drain(Context ctx, long limit) {
    if (ctx.contentLength() > limit) {
      ctx.header("Connection", "close");
      return;
    }
    byte[] buffer = new byte[64 * 1024];
    long read = 0;
    try (InputStream in = ctx.req().getInputStream()) {
      for (int n; read <= limit && (n = in.read(buffer)) >= 0; ) {
        read += n;
      }
    } catch (IOException | RuntimeException e) {
      // the sender went away, or the stream already failed: nothing left to read
    }
    if (read > limit) {
      ctx.header("Connection", "close");
    }
  }
}
