package dev.credence.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a Jackson tree byte for byte as Python's {@code json.dumps(obj, separators=(',', ':'))}
 * does with its defaults, because that is the text the vendor's sample client signs (wire contract,
 * section 4).
 *
 * <p>What that means:
 *
 * <ul>
 *   <li>no whitespace; object keys in the tree's order (Python keeps insertion order);
 *   <li>{@code ensure_ascii}: {@code "} {@code \} and {@code \b \f \n \r \t} get their short
 *       escapes, every other character below U+0020 or above U+007E (DEL included) becomes {@code
 *       \}{@code uXXXX} in lowercase hex, characters beyond U+FFFF as their UTF-16 surrogate pair;
 *       {@code /} is left alone;
 *   <li>integers as their exact decimal digits, however large;
 *   <li>floats as Python's {@code repr(float)}: the shortest digits that read back as the same
 *       double, always with a fraction or an exponent ({@code 1.0}, {@code -0.0}), exponent form
 *       when the decimal exponent is below -4 or at least 16 ({@code 1e+16}, {@code 1.5e-05}); and
 *       {@code NaN}, {@code Infinity}, {@code -Infinity}.
 * </ul>
 *
 * <p>Floats: Python's {@code json.loads} turns every number with a fraction or an exponent into a
 * double, and Jackson's default parsing (without {@code USE_BIG_DECIMAL_FOR_FLOATS}) makes the same
 * correctly rounded double, so a tree read with default settings serialises exactly as Python would
 * re-serialise the same text. A {@code DecimalNode} (from a mapper that does use big decimals) is
 * first rounded to a double for the same reason, which gives the same text except for {@code -0.0}:
 * BigDecimal has no negative zero, so such a tree writes {@code 0.0}. Parse with the defaults. Java
 * 17's {@code Double.toString} is not used: it sometimes prints more digits than needed and never
 * prints fewer than two ({@code 4.9E-324} where Python prints {@code 5e-324}).
 */
public final class PythonJson {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PythonJson() {}

  /**
   * Serialises {@code node} compactly, as Python would.
   *
   * @throws IllegalArgumentException if the tree holds something JSON text cannot (binary data, a
   *     POJO, a missing node)
   */
  public static String compact(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, out);
    return out.toString();
  }

  private static void write(JsonNode node, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          writeString(field.getKey(), out);
          out.append(':');
          write(field.getValue(), out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(node.get(i), out);
        }
        out.append(']');
      }
      case STRING -> writeString(node.textValue(), out);
      case BOOLEAN -> out.append(node.booleanValue());
      case NULL -> out.append("null");
      case NUMBER -> {
        if (node.isIntegralNumber()) {
          out.append(node.bigIntegerValue());
        } else {
          out.append(floatRepr(node.doubleValue()));
        }
      }
      default ->
          throw new IllegalArgumentException("not a JSON value: " + node.getNodeType() + " node");
    }
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    // Java strings are UTF-16 already, so escaping char by char yields Python's surrogate pairs.
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            out.append(c);
          } else {
            out.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
          }
        }
      }
    }
    out.append('"');
  }

  /** Python's {@code repr(float)}. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      // BigDecimal has no negative zero, so keep the sign here.
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    BigDecimal shortest = shortestRoundTrip(d).stripTrailingZeros();
    String digits = shortest.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - shortest.scale(); // as in d.ddd × 10^exponent
    String sign = d < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa =
          digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      // Locale.ROOT: some locales would format the exponent with non-ASCII digits.
      return String.format(
          Locale.ROOT, "%s%se%s%02d", sign, mantissa, exponent < 0 ? "-" : "+", Math.abs(exponent));
    }
    String plain = shortest.toPlainString();
    return plain.indexOf('.') >= 0 ? plain : plain + ".0";
  }

  /**
   * The shortest decimal that reads back as {@code d}, and of those the nearest to it: what
   * Python's float repr (David Gay's dtoa, mode 0) produces.
   */
  private static BigDecimal shortestRoundTrip(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int precision = 1; precision < 17; precision++) {
      BigDecimal nearest = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (nearest.doubleValue() == d) {
        return nearest;
      }
      // Next to a power of two the doubles below are twice as close as those above, so the
      // nearest candidate can miss while the one on the other side of d still reads back as d.
      RoundingMode otherWay =
          nearest.compareTo(exact) > 0 ? RoundingMode.FLOOR : RoundingMode.CEILING;
      BigDecimal other = exact.round(new MathContext(precision, otherWay));
      if (other.doubleValue() == d) {
        return other;
      }
    }
    // Seventeen significant digits always identify a double.
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
  }
}
