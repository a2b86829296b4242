package dev.credence.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.credence.server.outbound.AddressGuard;
import dev.credence.server.outbound.AddressRefusedException;
import dev.credence.server.outbound.AllowedNetworks;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.Test;

class GuardedResolverTest {
  /** A name service that answers 127.0.0.1, then 127.0.0.2, as a rebinding attacker's would. */
  private final List<String> lookups = new ArrayList<>();

  private InetAddress[] rebinding(String host) throws UnknownHostException {
    lookups.add(host);
    return new InetAddress[] {
      InetAddress.getByName(lookups.size() == 1 ? "127.0.0.1" : "127.0.0.2")
    };
  }

  private final GuardedResolver resolver =
      new GuardedResolver(
          new AddressGuard(AllowedNetworks.parse("127.0.0.1/32"), this::rebinding), Runnable::run);

  @Test
  void eachResolutionLooksTheNameUpOnceAndHandsBackTheCheckedAddressResolved() throws Exception {
    List<InetSocketAddress> first = resolve("hooks.lender.test", 8443).get(5, TimeUnit.SECONDS);

    assertThat(lookups).containsExactly("hooks.lender.test");
    assertThat(first).containsExactly(new InetSocketAddress("127.0.0.1", 8443));
    // Already resolved: whoever connects to it looks nothing up again.
    assertThat(first.get(0).isUnresolved()).isFalse();
    assertThat(first.get(0).getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));

    CompletableFuture<List<InetSocketAddress>> second = resolve("hooks.lender.test", 8443);
    assertThat(lookups).hasSize(2);
    assertThatThrownBy(second::join)
        .hasCauseInstanceOf(AddressRefusedException.class)
        .hasRootCauseMessage("address refused: loopback");
  }

  @Test
  void aNameWithAnyRefusedAddressIsRefusedWhole() {
    GuardedResolver mixed =
        new GuardedResolver(
            new AddressGuard(
                AllowedNetworks.NONE,
                host ->
                    new InetAddress[] {
                      InetAddress.getByName("93.184.215.14"), InetAddress.getByName("10.0.0.8")
                    }),
            Runnable::run);
    CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();
    mixed.resolve("mixed.lender.test", 443, Map.of(), Promise.from(result));
    assertThatThrownBy(result::join)
        .hasCauseInstanceOf(AddressRefusedException.class)
        .hasRootCauseMessage("address refused: private");
  }

  private CompletableFuture<List<InetSocketAddress>> resolve(String host, int port) {
    CompletableFuture<List<InetSocketAddress>> result = new CompletableFuture<>();
    resolver.resolve(host, port, Map.of(), Promise.from(result));
    return result;
  }
}
