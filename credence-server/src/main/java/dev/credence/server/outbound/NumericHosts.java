package dev.credence.server.outbound;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * IPv4 addresses written the way C's {@code inet_aton} reads them: one to four parts, each decimal,
 * octal (a leading {@code 0}) or hexadecimal ({@code 0x}), the last part filling the bytes left, so
 * that {@code 2130706433}, {@code 0x7f.1}, {@code 017700000001} and {@code 127.1} all mean
 * 127.0.0.1. Java reads some of these forms differently or not at all ({@code 0177.0.0.1} is
 * 177.0.0.1 to it), while the system resolver, a proxy or another client may read them like this,
 * so a host in any such form is checked as the address it can stand for.
 */
final class NumericHosts {
  private static final BigInteger MAX_32 = BigInteger.ONE.shiftLeft(32);

  private NumericHosts() {}

  /** The address {@code host} stands for if it is a numeric IPv4 form, else null. */
  static Inet4Address parse(String host) {
    String text = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] parts = text.split("\\.", -1);
    if (parts.length > 4) {
      return null;
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      BigInteger value = part(parts[i]);
      if (value == null) {
        return null;
      }
      // Every part but the last is one byte; the last fills the bytes that are left.
      int bits = i < parts.length - 1 ? 8 : 8 * (5 - parts.length);
      if (value.bitLength() > bits) {
        return null;
      }
      values[i] = value.longValue();
    }
    long address = values[parts.length - 1];
    for (int i = 0; i < parts.length - 1; i++) {
      address |= values[i] << (24 - 8 * i);
    }
    byte[] bytes = {
      (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
    };
    try {
      return (Inet4Address) InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  private static BigInteger part(String part) {
    String text = part.toLowerCase(Locale.ROOT);
    int radix = 10;
    if (text.startsWith("0x")) {
      text = text.substring(2);
      radix = 16;
    } else if (text.length() > 1 && text.startsWith("0")) {
      text = text.substring(1);
      radix = 8;
    }
    if (text.isEmpty() || text.length() > 40) {
      return null;
    }
    for (char c : text.toCharArray()) {
      if (c > 'z' || Character.digit(c, radix) < 0) {
        return null;
      }
    }
    BigInteger value = new BigInteger(text, radix);
    return value.compareTo(MAX_32) < 0 ? value : null;
  }
}
