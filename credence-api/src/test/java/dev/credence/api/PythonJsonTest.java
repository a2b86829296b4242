package dev.credence.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PythonJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper BIG_DECIMALS =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /**
   * Each pair: JSON text, then what CPython 3.11 prints for {@code json.dumps(json.loads(text),
   * separators=(",", ":"))}.
   */
  static Stream<Arguments> pythonOutputs() {
    return Stream.of(
        Arguments.of(
            "{\"uid\": \"CUST-00123456\", \"integration_id\": \"62137183e877704b06fab0f2\"}",
            "{\"uid\":\"CUST-00123456\",\"integration_id\":\"62137183e877704b06fab0f2\"}"),
        Arguments.of(
            "{\"name\": \"Zoé 中文 😀\"}", "{\"name\":\"Zo\\u00e9 \\u4e2d\\u6587 \\ud83d\\ude00\"}"),
        Arguments.of(
            "\"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/ \\u007f\\u0080\\u2028\\uffff\"",
            "\"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/ \\u007f\\u0080\\u2028\\uffff\""),
        Arguments.of(
            "\"\\ud83d\\ude00 and a lone \\ud800\"", "\"\\ud83d\\ude00 and a lone \\ud800\""),
        Arguments.of(
            "{\"b\": [1, {\"z\": null, \"a\": [true, false, []], \"e\": {}}], \"a\": \"x\", \"é\": \"key\"}",
            "{\"b\":[1,{\"z\":null,\"a\":[true,false,[]],\"e\":{}}],\"a\":\"x\",\"\\u00e9\":\"key\"}"),
        Arguments.of("{\"a\": 1, \"b\": 2, \"a\": 3}", "{\"a\":3,\"b\":2}"),
        Arguments.of(
            "[1, -0, 1.0, 1e16, 1.5e-5, 0.1, 123456789012345678901234567890, -123456789012345678901234567890]",
            "[1,0,1.0,1e+16,1.5e-05,0.1,123456789012345678901234567890,-123456789012345678901234567890]"),
        Arguments.of(
            "[-0.0, 0.0, 1E5, 100.0, 1e15, 1e22, 1e23, 0.0001, 0.00001, 5e-324, 1.7976931348623157e308, 2.82879384806159E17, 9007199254740993, 9007199254740993.0, 1e400, -1e400]",
            "[-0.0,0.0,100000.0,100.0,1000000000000000.0,1e+22,1e+23,0.0001,1e-05,5e-324,1.7976931348623157e+308,2.82879384806159e+17,9007199254740993,9007199254740992.0,Infinity,-Infinity]"),
        Arguments.of(
            "[0.1e1, 1.0e-7, 123.456, 2.5, -2.5e-300, 3.0e+100, 0.30000000000000004]",
            "[1.0,1e-07,123.456,2.5,-2.5e-300,3e+100,0.30000000000000004]"));
  }

  static Stream<Arguments> pythonOutputsWithoutNegativeZero() {
    return pythonOutputs().filter(pair -> !((String) pair.get()[0]).contains("-0.0"));
  }

  @ParameterizedTest
  @MethodSource("pythonOutputs")
  void writesWhatPythonWrites(String text, String python) throws IOException {
    assertThat(PythonJson.compact(JSON.readTree(text))).isEqualTo(python);
  }

  @ParameterizedTest
  @MethodSource("pythonOutputsWithoutNegativeZero")
  void bigDecimalTreesGiveTheSameText(String text, String python) throws IOException {
    assertThat(PythonJson.compact(BIG_DECIMALS.readTree(text))).isEqualTo(python);
  }

  @Test
  void bigDecimalTreesLoseTheSignOfZero() throws IOException {
    // Why Signatures parses with Jackson's defaults: BigDecimal has no -0.0, Python's float has.
    assertThat(PythonJson.compact(JSON.readTree("[-0.0]"))).isEqualTo("[-0.0]");
    assertThat(PythonJson.compact(BIG_DECIMALS.readTree("[-0.0]"))).isEqualTo("[0.0]");
  }

  @Test
  void writesFloatsAsPythonReprForThousandsOfDoubles() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int count = 0;
    try (InputStream in = PythonJsonTest.class.getResourceAsStream("python-float-repr.tsv");
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("#")) {
          continue;
        }
        String[] columns = line.split("\t");
        String ours = PythonJson.compact(JSON.readTree(columns[0]));
        count++;
        if (!ours.equals(columns[1])) {
          mismatches.add(columns[0] + " -> " + ours + ", Python: " + columns[1]);
        }
      }
    }
    assertThat(count).isGreaterThan(3000);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void floatReprCoversValuesStrictJsonCannotCarry() {
    assertThat(PythonJson.floatRepr(Double.NaN)).isEqualTo("NaN");
    assertThat(PythonJson.floatRepr(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(PythonJson.floatRepr(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    assertThat(PythonJson.floatRepr(Double.MIN_VALUE)).isEqualTo("5e-324");
  }

  @Test
  void keepsTheKeyOrderOfABuiltTree() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("zeta", 1).put("alpha", "a/b").putArray("list").add(1.0).addNull();
    assertThat(PythonJson.compact(node))
        .isEqualTo("{\"zeta\":1,\"alpha\":\"a/b\",\"list\":[1.0,null]}");
  }

  @Test
  void refusesNodesThatAreNotJsonValues() {
    JsonNode binary = JsonNodeFactory.instance.binaryNode(new byte[] {1, 2});
    assertThatThrownBy(() -> PythonJson.compact(binary))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PythonJson.compact(MissingNode.getInstance()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
