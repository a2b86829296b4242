package dev.credence.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain TCP listener on a free port of every local address (127.0.0.1 and ::1 alike) that counts
 * the connections it accepts, writes its given bytes to each, then closes it: no HTTP at all. It
 * shows whether the server connected somewhere, and what it makes of a peer that is not HTTP.
 */
public final class RawListener implements AutoCloseable {
  private final ServerSocket socket;
  private final byte[] reply;
  private final boolean readsFirst;
  private final AtomicInteger accepted = new AtomicInteger();

  private RawListener(byte[] reply, boolean readsFirst) {
    this.reply = reply;
    this.readsFirst = readsFirst;
    try {
      socket = new ServerSocket(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread thread = new Thread(this::acceptAll, "raw-listener-" + socket.getLocalPort());
    thread.setDaemon(true);
    thread.start();
  }

  /** A listener that closes each connection at once, writing nothing. */
  public static RawListener counting() {
    return new RawListener(new byte[0], false);
  }

  /** A listener that writes {@code reply} to each connection, then closes it. */
  public static RawListener replying(byte[] reply) {
    return new RawListener(reply.clone(), true);
  }

  /**
   * A listener that reads the whole request on each connection, its body included, then closes it
   * without a byte of answer: a receiver that fails while handling the request.
   */
  public static RawListener closingAfterTheRequest() {
    return new RawListener(new byte[0], true);
  }

  public int port() {
    return socket.getLocalPort();
  }

  /** How many connections it has accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  private void acceptAll() {
    while (!socket.isClosed()) {
      try (Socket connection = socket.accept()) {
        accepted.incrementAndGet();
        if (readsFirst) {
          answer(connection);
        }
      } catch (IOException e) {
        // closed, or the peer went away: the count is what matters
      }
    }
  }

  /**
   * Reads what the client sent first, so that closing does not reset the connection under the
   * reply, then writes the reply (if any), closes its side and waits for the client to hang up.
   */
  private void answer(Socket connection) throws IOException {
    connection.setSoTimeout(2000);
    InputStream in = connection.getInputStream();
    byte[] buffer = new byte[8192];
    in.read(buffer);
    OutputStream out = connection.getOutputStream();
    out.write(reply);
    out.flush();
    connection.shutdownOutput();
    while (in.read(buffer) >= 0) {
      // drained until the client closes
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
