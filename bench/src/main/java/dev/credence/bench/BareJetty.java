package dev.credence.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The floor of the start-up benchmark: a bare Jetty server answering one route.
 *
 * <p>The same Jetty the server runs on, without Javalin, database, migrations or anything else:
 * {@code GET /health/ready} answers 200 {@code ok}, every other request 404. The time from
 * launching its JVM to its first 200 is the least any Jetty-based server can take to be ready
 * (bench/run-footprint-bench.sh).
 *
 * <p>Usage: {@code java -cp credence-floor.jar dev.credence.bench.BareJetty [port]} (or env {@code
 * PORT}; default 7080). It listens on 127.0.0.1.
 */
public final class BareJetty {

  static final String PATH = "/health/ready";

  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

  private BareJetty() {}

  public static void main(String[] args) throws Exception {
    int port = FloorServer.port(args);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Ready());
    server.start();
    System.out.println("bare Jetty listening on http://127.0.0.1:" + port + PATH);
    server.join();
  }

  /** The one route; anything else falls through to Jetty's 404. */
  private static final class Ready extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = request.getHttpURI().getPath();
      if (!"GET".equals(request.getMethod()) || !PATH.equals(path)) {
        return false;
      }
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.write(true, ByteBuffer.wrap(OK), callback);
      return true;
    }
  }
}
