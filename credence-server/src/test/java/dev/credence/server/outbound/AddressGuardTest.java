package dev.credence.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressGuardTest {
  private final AddressGuard guard = new AddressGuard(AllowedNetworks.NONE, AddressGuardTest::none);

  /** Each special-purpose range by its first and last address, and its neighbours outside. */
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "0.0.0.0, unspecified",
    "0.0.0.1, reserved",
    "0.255.255.255, reserved",
    "1.0.0.0, public",
    "9.255.255.255, public",
    "10.0.0.0, private",
    "10.0.0.1, private",
    "10.255.255.255, private",
    "11.0.0.0, public",
    "100.63.255.255, public",
    "100.64.0.0, carrier-grade NAT",
    "100.64.0.1, carrier-grade NAT",
    "100.127.255.255, carrier-grade NAT",
    "100.128.0.0, public",
    "126.255.255.255, public",
    "127.0.0.0, loopback",
    "127.0.0.1, loopback",
    "127.255.255.254, loopback",
    "128.0.0.0, public",
    "169.253.255.255, public",
    "169.254.0.0, link-local",
    "169.254.169.254, link-local",
    "169.254.255.255, link-local",
    "169.255.0.0, public",
    "172.15.255.255, public",
    "172.16.0.0, private",
    "172.31.255.255, private",
    "172.32.0.0, public",
    "192.0.0.0, reserved",
    "192.0.0.255, reserved",
    "192.0.1.255, public",
    "192.0.2.0, documentation",
    "192.0.2.255, documentation",
    "192.0.3.0, public",
    "192.88.99.1, reserved",
    "192.167.255.255, public",
    "192.168.0.0, private",
    "192.168.1.1, private",
    "192.168.255.255, private",
    "192.169.0.0, public",
    "198.17.255.255, public",
    "198.18.0.0, reserved",
    "198.19.255.255, reserved",
    "198.20.0.0, public",
    "198.51.100.7, documentation",
    "203.0.113.7, documentation",
    "223.255.255.255, public",
    "224.0.0.0, multicast",
    "224.0.0.251, multicast",
    "239.255.255.255, multicast",
    "240.0.0.0, reserved",
    "255.255.255.254, reserved",
    "255.255.255.255, broadcast",
    "8.8.8.8, public",
    "::, unspecified",
    "::1, loopback",
    "::2, reserved",
    "fe80::, link-local",
    "fe80::1, link-local",
    "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff, link-local",
    "fec0::1, private",
    "fc00::, private",
    "fd12:3456::1, private",
    "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, private",
    "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, reserved",
    "ff00::, multicast",
    "ff02::1, multicast",
    "2001:db8::, documentation",
    "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, documentation",
    "2001:db9::1, public",
    "3fff::1, documentation",
    "3fff:fff::1, documentation",
    "3fff:1000::1, public",
    "2001::1, reserved",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2, reserved",
    "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff, reserved",
    "2001:200::1, public",
    "2606:4700:4700::1111, public",
    "2000::, public",
    "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, public",
    "4000::1, reserved",
    "100::1, reserved",
    "64:ff9b:1::1, reserved",
    "5f00::1, reserved",
  })
  void everyRangeIsNamed(String address, String expected) throws UnknownHostException {
    assertThat(reasonOf(guard, address)).isEqualTo(expected);
  }

  /** IPv6 forms that carry an IPv4 address are judged by it too. */
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "::ffff:127.0.0.1, loopback",
    "::ffff:10.0.0.1, private",
    "::ffff:169.254.169.254, link-local",
    "::ffff:0.0.0.0, unspecified",
    "::ffff:8.8.8.8, public",
    "::127.0.0.1, loopback",
    "::10.0.0.1, private",
    "::169.254.169.254, link-local",
    "::8.8.8.8, reserved",
    "64:ff9b::127.0.0.1, loopback",
    "64:ff9b::192.168.0.1, private",
    "64:ff9b::8.8.8.8, public",
    "2002:7f00:1::, loopback",
    "2002:a9fe:a9fe::1, link-local",
    "2002:c0a8:101::, private",
    "2002:808:808::1, public",
  })
  void embeddedIpv4AddressesAreCheckedToo(String address, String expected)
      throws UnknownHostException {
    assertThat(reasonOf(guard, address)).isEqualTo(expected);
  }

  @Test
  void anIpv4MappedAddressKeptInItsIpv6FormIsJudgedAsItsIpv4Address() throws Exception {
    // InetAddress.getByName turns ::ffff:a.b.c.d into an Inet4Address; a resolver may not.
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(v6).isInstanceOf(Inet6Address.class);
    assertThat(guard.refusal(v6)).isEqualTo("loopback");
    AddressGuard allowingLoopback =
        new AddressGuard(AllowedNetworks.parse("127.0.0.0/8"), AddressGuardTest::none);
    assertThat(allowingLoopback.refusal(v6)).isNull();
  }

  /** Numeric forms as inet_aton reads them, whatever Java makes of them. */
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "2130706433, 127.0.0.1",
    "0x7f.1, 127.0.0.1",
    "0x7F000001, 127.0.0.1",
    "017700000001, 127.0.0.1",
    "0177.0.0.1, 127.0.0.1",
    "127.1, 127.0.0.1",
    "127.0.1, 127.0.0.1",
    "0x7f.0x0.0x0.0x1, 127.0.0.1",
    "127.0.0.1., 127.0.0.1",
    "0, 0.0.0.0",
    "0xa9fea9fe, 169.254.169.254",
    "10.1, 10.0.0.1",
    "3232235777, 192.168.1.1",
    "134744072, 8.8.8.8",
  })
  void numericFormsAreReadAsTheAddressTheyCanStandFor(String host, String address)
      throws UnknownHostException {
    assertThat(NumericHosts.parse(host)).isEqualTo(InetAddress.getByName(address));
  }

  @ParameterizedTest
  @CsvSource({
    "example.com",
    "localhost",
    "1.2.3.4.5",
    "4294967296",
    "256.0.0.1",
    "1.256.0.1",
    "1.2.65536",
    "0x",
    "08",
    "0x1g",
    "1..1",
    "'.'",
    "::1",
  })
  void namesAndOutOfRangeNumbersAreNotNumericForms(String host) {
    assertThat(NumericHosts.parse(host)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "http://127.0.0.1/hook, loopback",
    "http://localhost:8080/hook, loopback",
    "http://[::1]/hook, loopback",
    "http://0.0.0.0/, unspecified",
    "http://2130706433/, loopback",
    "http://0x7f.1/, loopback",
    "http://017700000001/, loopback",
    "http://0177.0.0.1/, loopback",
    "http://127.1/, loopback",
    "http://[::ffff:127.0.0.1]/, loopback",
    "http://[::ffff:7f00:1]/, loopback",
    "http://169.254.169.254/latest/meta-data/, link-local",
    "http://10.0.0.1/, private",
    "http://100.64.0.1/, carrier-grade NAT",
    "https://[fd00::1]:8443/, private",
    "http://all-internal.example/, private",
  })
  void aUrlWhoseHostIsRefusedIsRefusedAtSave(String url, String reason) {
    assertThat(guard.urlRefusal(url)).isEqualTo("address refused: " + reason);
  }

  @Test
  void aNameIsRefusedAtSaveOnlyIfEveryAddressIsButAtConnectIfAnyIs() throws Exception {
    String url = "https://mixed.example/hook";
    assertThat(guard.urlRefusal(url)).as("one public address: may be saved").isNull();
    assertThatThrownBy(() -> guard.resolve("mixed.example"))
        .isInstanceOf(AddressRefusedException.class)
        .hasMessage("address refused: loopback");
    assertThat(guard.resolve("public.example")).containsExactly(address("93.184.215.14"));
  }

  @Test
  void aNameNotFoundMayBeSavedAndFailsAtConnect() {
    assertThat(guard.urlRefusal("https://not-yet.example/hook")).isNull();
    assertThatThrownBy(() -> guard.resolve("not-yet.example"))
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void oddNumericFormsAreRefusedBeforeAnyLookup() {
    List<String> looked = new ArrayList<>();
    AddressGuard watching =
        new AddressGuard(
            AllowedNetworks.NONE,
            host -> {
              looked.add(host);
              return new InetAddress[] {address("93.184.215.14")};
            });
    assertThatThrownBy(() -> watching.resolve("0x7f.1"))
        .isInstanceOf(AddressRefusedException.class)
        .hasMessage("address refused: loopback");
    assertThat(watching.urlRefusal("http://017700000001/")).isEqualTo("address refused: loopback");
    assertThat(looked).isEmpty();
  }

  @Test
  void publicUrlsAndNonUrlsAreLeftToTheOtherChecks() {
    assertThat(guard.urlRefusal("https://public.example/hook")).isNull();
    assertThat(guard.urlRefusal("https://8.8.8.8/hook")).isNull();
    assertThat(guard.urlRefusal("https://[2606:4700:4700::1111]/hook")).isNull();
    assertThat(guard.urlRefusal("not a url")).isNull();
    assertThat(guard.urlRefusal("/relative")).isNull();
    assertThat(guard.urlRefusal("ftp://127.0.0.1/")).as("refused as no http URL").isNull();
  }

  @Test
  void allowedNetworksLetTheirAddressesThroughAndNoOthers() throws Exception {
    AddressGuard allowing =
        new AddressGuard(
            AllowedNetworks.parse(" 127.0.0.0/8, ::1/128,10.1.0.0/16 ,192.168.7.7"),
            AddressGuardTest::none);
    assertThat(reasonOf(allowing, "127.0.0.1")).isEqualTo("public");
    assertThat(reasonOf(allowing, "127.255.0.9")).isEqualTo("public");
    assertThat(reasonOf(allowing, "::1")).isEqualTo("public");
    assertThat(reasonOf(allowing, "::ffff:127.0.0.1")).isEqualTo("public");
    assertThat(reasonOf(allowing, "10.1.200.3")).isEqualTo("public");
    assertThat(reasonOf(allowing, "10.2.0.1")).isEqualTo("private");
    assertThat(reasonOf(allowing, "192.168.7.7")).isEqualTo("public");
    assertThat(reasonOf(allowing, "192.168.7.8")).isEqualTo("private");
    assertThat(reasonOf(allowing, "169.254.169.254")).isEqualTo("link-local");
    assertThat(allowing.urlRefusal("http://localhost:9000/hook")).isNull();
    assertThat(allowing.urlRefusal("http://0x7f.1/")).isNull();
    assertThat(allowing.resolve("mixed.example")).hasSize(2);
  }

  @ParameterizedTest
  @CsvSource({
    "localhost",
    "example.com/8",
    "10.0.0.0/33",
    "10.1.2.3/16",
    "127.1/8",
    "0x7f.0.0.0/8",
    "0177.0.0.0/8",
    "10.0.0.0/",
    "10.0.0.0/-1",
    "10.0.0.0/08",
    "::1/129",
    "fe80::1%eth0",
    "1:2",
    "10.0.0.0-10.0.0.9",
    "*",
  })
  void anAllowedNetworkIsAnAddressOrACidrRangeWrittenPlainly(String entry) {
    assertThatThrownBy(() -> AllowedNetworks.parse("127.0.0.0/8," + entry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + entry + "'");
  }

  @Test
  void noAllowedNetworksIsTheDefault() {
    assertThat(AllowedNetworks.parse("").isEmpty()).isTrue();
    assertThat(AllowedNetworks.parse(" , ").isEmpty()).isTrue();
    assertThat(AllowedNetworks.parse(null).entries()).isEmpty();
    assertThat(AllowedNetworks.parse("127.0.0.0/8, ::1/128").toString())
        .isEqualTo("127.0.0.0/8,::1/128");
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static final Map<String, List<String>> NAMES =
      Map.of(
          "localhost", List.of("127.0.0.1", "::1"),
          "all-internal.example", List.of("10.0.0.5", "192.168.0.5"),
          "mixed.example", List.of("93.184.215.14", "127.0.0.1"),
          "public.example", List.of("93.184.215.14"));

  /** A name service that knows only {@link #NAMES} and literal addresses; no network. */
  private static InetAddress[] none(String host) throws UnknownHostException {
    List<String> names = NAMES.get(host);
    if (names != null) {
      return names.stream().map(AddressGuardTest::address).toArray(InetAddress[]::new);
    }
    if (host.matches("[0-9a-fA-F:.]+") && (host.contains(":") || host.split("\\.").length == 4)) {
      return new InetAddress[] {InetAddress.getByName(host)};
    }
    throw new UnknownHostException(host);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static String reasonOf(AddressGuard guard, String literal) throws UnknownHostException {
    String reason = guard.refusal(InetAddress.getByName(literal));
    return reason == null ? "public" : reason;
  }
}
