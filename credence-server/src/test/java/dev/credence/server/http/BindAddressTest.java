package dev.credence.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.credence.server.testing.RawSocket;
import dev.credence.server.testing.RunningServer;
import dev.credence.server.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * CREDENCE_BIND_ADDRESS: bound to loopback, the server cannot be reached on another address; the
 * embedded database's own port is on loopback whatever the setting.
 */
class BindAddressTest {
  private static final String REQUEST =
      "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

  @Test
  void boundToLoopbackItAnswersThereAndNowhereElse() throws IOException {
    List<InetAddress> others = otherLocalAddresses();
    Assumptions.assumeFalse(others.isEmpty(), "this machine has no local address but 127.0.0.1");
    try (RunningServer server =
        RunningServer.start(TestDatabase.H2, Map.of("CREDENCE_BIND_ADDRESS", "127.0.0.1"))) {
      int port = server.config().port();
      try (RawSocket loopback = RawSocket.open("127.0.0.1", port)) {
        loopback.send(REQUEST);
        assertThat(loopback.read().status()).isEqualTo(200);
      }
      for (InetAddress other : others) {
        assertThatThrownBy(() -> RawSocket.open(other.getHostAddress(), port).close())
            .as("connecting to %s", other)
            .isInstanceOf(UncheckedIOException.class)
            .hasCauseInstanceOf(ConnectException.class);
      }
    }
  }

  @Test
  void theEmbeddedDatabasesOwnPortListensOnLoopbackOnly() throws IOException {
    List<InetAddress> others = otherLocalAddresses();
    Assumptions.assumeFalse(others.isEmpty(), "this machine has no local address but 127.0.0.1");
    try (RunningServer server = RunningServer.start(TestDatabase.H2)) {
      // H2's auto-server writes where it listens (for the command line) into its lock file.
      Properties lock = new Properties();
      try (InputStream in =
          Files.newInputStream(server.config().dataDir().resolve("credence.lock.db"))) {
        lock.load(in);
      }
      String listening = lock.getProperty("server");
      assertThat(listening).as("the lock file's server entry").startsWith("localhost:");
      int port = Integer.parseInt(listening.substring("localhost:".length()));
      RawSocket.open("127.0.0.1", port).close();
      for (InetAddress other : others) {
        assertThatThrownBy(() -> RawSocket.open(other.getHostAddress(), port).close())
            .as("connecting to the database's port on %s", other)
            .isInstanceOf(UncheckedIOException.class)
            .hasCauseInstanceOf(ConnectException.class);
      }
    }
  }

  /**
   * This machine's addresses other than 127.0.0.1 that a server could listen on: its interfaces'
   * addresses (not link-local IPv6, which need a scope to connect to) and 127.0.0.2 where all of
   * 127/8 is local (Linux).
   */
  private static List<InetAddress> otherLocalAddresses() throws IOException {
    List<InetAddress> others = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        boolean linkLocal6 = address instanceof Inet6Address && address.isLinkLocalAddress();
        if (!address.isLoopbackAddress() && !linkLocal6 && canListenOn(address)) {
          others.add(address);
        }
      }
    }
    InetAddress loopback2 = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
    if (canListenOn(loopback2)) {
      others.add(loopback2);
    }
    return others;
  }

  private static boolean canListenOn(InetAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(address, 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
