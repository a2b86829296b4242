package dev.credence.server.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 connections that must send each request head (request line and headers) within a
 * deadline counted from its first byte, or are closed. The idle timeout alone does not stop a
 * client that sends one header line every few seconds: each line restarts it, and the connection is
 * held for as long as the client likes. Jetty has no such deadline, so the connection's parser
 * reports where it is after every read: a head under way arms a timer, a complete (or refused) head
 * disarms it. An idle keep-alive connection between requests is left to the idle timeout.
 */
final class HeadDeadline extends HttpConnectionFactory {
  private static final Logger LOG = LoggerFactory.getLogger(HeadDeadline.class);

  private final long deadlineNanos;

  HeadDeadline(HttpConfiguration config, Duration deadline) {
    super(config);
    this.deadlineNanos = deadline.toNanos();
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    // As HttpConnectionFactory does, with the watched connection.
    HttpConnection connection =
        new Watched(getHttpConfiguration(), connector, endPoint, deadlineNanos);
    connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
    return configure(connection, connector, endPoint);
  }

  private static final class Watched extends HttpConnection {
    private final long deadlineNanos;

    /**
     * The head being watched, by the time of its first byte; 0 for none. Written only by the thread
     * parsing the connection (Jetty runs one at a time), read by the timer.
     */
    private volatile long watching;

    private volatile Scheduler.Task timer;

    Watched(HttpConfiguration config, Connector connector, EndPoint endPoint, long deadlineNanos) {
      super(config, connector, endPoint);
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    protected HttpParser newHttpParser(HttpCompliance compliance) {
      // Jetty's parser for this connection, for its request handler (private to HttpConnection)
      // and its settings; ours only adds the report after each read.
      HttpParser standard = super.newHttpParser(compliance);
      HttpParser parser =
          new HttpParser(
              (HttpParser.RequestHandler) standard.getHandler(),
              getHttpConfiguration().getRequestHeaderSize(),
              compliance) {
            @Override
            public boolean parseNext(ByteBuffer buffer) {
              boolean handle = super.parseNext(buffer);
              parsed(this);
              return handle;
            }
          };
      parser.setHeaderCacheSize(standard.getHeaderCacheSize());
      parser.setHeaderCacheCaseSensitive(standard.isHeaderCacheCaseSensitive());
      return parser;
    }

    /**
     * A head is under way once its first byte is read (the parser then has a begin time) and until
     * the parser is past the headers. The deadline is set once per head: a client sending blank
     * lines before its request line, which moves the parser's begin time, does not push it back.
     */
    private void parsed(HttpParser parser) {
      boolean inHead = parser.inHeaderState() && parser.getBeginNanoTime() != 0;
      if (inHead && watching == 0) {
        long begin = parser.getBeginNanoTime();
        long left = Math.max(0, deadlineNanos - NanoTime.since(begin));
        watching = begin;
        timer =
            getConnector().getScheduler().schedule(() -> expire(begin), left, TimeUnit.NANOSECONDS);
      } else if (!inHead && watching != 0) {
        watching = 0;
        timer.cancel();
      }
    }

    private void expire(long begin) {
      if (watching == begin) {
        LOG.debug("closing {}: its request head took longer than the deadline", getEndPoint());
        getEndPoint().close();
      }
    }

    @Override
    public void onClose(Throwable cause) {
      watching = 0;
      Scheduler.Task pending = timer;
      if (pending != null) {
        pending.cancel();
      }
      super.onClose(cause);
    }
  }
}
