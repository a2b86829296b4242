package dev.credence.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SignaturesTest {

  private static final String KEY = "test-api-key-Ä";
  private static final String COMPACT =
      "{\"uid\":\"CUST-00123456\",\"integration_id\":\"62137183e877704b06fab0f2\"}";
  // What requests.post(json=payload) sends: json.dumps with its default separators.
  private static final String SPACED =
      "{\"uid\": \"CUST-00123456\", \"integration_id\": \"62137183e877704b06fab0f2\"}";

  // python3 -c 'import hmac, hashlib; print(hmac.new("test-api-key-Ä".encode(),
  //     COMPACT.encode(), hashlib.sha512).hexdigest())'
  private static final String PYTHON_SIGNATURE =
      "2d0f261ac903dd0c9409642de43cd626a5591a4f718281ee7ea04a1d90ebee33"
          + "f56ca04f600a3fb68aed3b4137aa0533c8e1d06be5052a3b977ebdcafa2f4e7c";

  @Test
  void signsLikePythonsHmacModule() {
    assertThat(Signatures.sign(KEY, COMPACT.getBytes(UTF_8))).isEqualTo(PYTHON_SIGNATURE);
    // The widely published HMAC-SHA512 example.
    assertThat(
            Signatures.sign("key", "The quick brown fox jumps over the lazy dog".getBytes(UTF_8)))
        .isEqualTo(
            "b42af09057bac1e2d41708e48a902e09b5ff7f12ab428a4fe86653c73dd248fb"
                + "82f948a549f7b791a5b41915ee4d1ec3935357e4e2317250d0372afa2ebeeb3a");
  }

  @Test
  void signingNeedsAKey() {
    assertThatThrownBy(() -> Signatures.sign("", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Signatures.sign(null, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void matchesToleratesCaseAndSurroundingWhitespace() {
    byte[] message = COMPACT.getBytes(UTF_8);
    assertThat(Signatures.matches(KEY, message, PYTHON_SIGNATURE)).isTrue();
    assertThat(Signatures.matches(KEY, message, PYTHON_SIGNATURE.toUpperCase())).isTrue();
    assertThat(Signatures.matches(KEY, message, "  " + PYTHON_SIGNATURE + "\n")).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "   ",
        "not-hex-at-all",
        "abc", // odd length
        "00",
        "2d0f261ac903dd0c9409642de43cd626", // a prefix of the right signature
        "2d0f 261ac903dd0c9409642de43cd626a5591a4f718281ee7ea04a1d90ebee33"
      })
  void garbageSignaturesAreFalseNotErrors(String signature) {
    byte[] message = COMPACT.getBytes(UTF_8);
    assertThat(Signatures.matches(KEY, message, signature)).isFalse();
    assertThat(Signatures.verifyRequestBody(KEY, message, signature)).isFalse();
  }

  @Test
  void missingKeyOrBodyIsFalseNotAnError() {
    byte[] message = COMPACT.getBytes(UTF_8);
    assertThat(Signatures.matches(null, message, PYTHON_SIGNATURE)).isFalse();
    assertThat(Signatures.matches("", message, PYTHON_SIGNATURE)).isFalse();
    assertThat(Signatures.matches(KEY, null, PYTHON_SIGNATURE)).isFalse();
    assertThat(Signatures.verifyRequestBody(null, message, PYTHON_SIGNATURE)).isFalse();
    assertThat(Signatures.verifyRequestBody(KEY, null, PYTHON_SIGNATURE)).isFalse();
  }

  @Test
  void acceptsTheRawBody() {
    assertThat(Signatures.verifyRequestBody(KEY, COMPACT.getBytes(UTF_8), PYTHON_SIGNATURE))
        .isTrue();
    String signedAsSent = Signatures.sign(KEY, SPACED.getBytes(UTF_8));
    assertThat(Signatures.verifyRequestBody(KEY, SPACED.getBytes(UTF_8), signedAsSent)).isTrue();
  }

  @Test
  void acceptsABodySentWithSpacesButSignedCompactly() {
    assertThat(Signatures.verifyRequestBody(KEY, SPACED.getBytes(UTF_8), PYTHON_SIGNATURE))
        .isTrue();
    String prettyPrinted =
        "{\n  \"uid\" : \"CUST-00123456\",\n  \"integration_id\" : \"62137183e877704b06fab0f2\"\n}\n";
    assertThat(Signatures.verifyRequestBody(KEY, prettyPrinted.getBytes(UTF_8), PYTHON_SIGNATURE))
        .isTrue();
  }

  @Test
  void keyOrderMatters() {
    String reordered =
        "{\"integration_id\": \"62137183e877704b06fab0f2\", \"uid\": \"CUST-00123456\"}";
    assertThat(Signatures.verifyRequestBody(KEY, reordered.getBytes(UTF_8), PYTHON_SIGNATURE))
        .isFalse();
  }

  @Test
  void refusesATamperedBody() {
    String tampered = SPACED.replace("CUST-00123456", "CUST-00123457");
    assertThat(Signatures.verifyRequestBody(KEY, tampered.getBytes(UTF_8), PYTHON_SIGNATURE))
        .isFalse();
    String extraField = SPACED.replace("}", ", \"amount\": 1}");
    assertThat(Signatures.verifyRequestBody(KEY, extraField.getBytes(UTF_8), PYTHON_SIGNATURE))
        .isFalse();
  }

  @Test
  void refusesTheWrongKey() {
    assertThat(
            Signatures.verifyRequestBody("another-key", SPACED.getBytes(UTF_8), PYTHON_SIGNATURE))
        .isFalse();
    assertThat(
            Signatures.verifyRequestBody("another-key", COMPACT.getBytes(UTF_8), PYTHON_SIGNATURE))
        .isFalse();
  }

  @Test
  void acceptsRawUtf8SignedWithPythonsAsciiEscapes() {
    // json.dumps({"uid": "CUSTé0001", "integration_id": "abc"}, separators=(",", ":")) gives
    // {"uid":"CUST\u00e90001","integration_id":"abc"}; this is its HMAC under KEY.
    String pythonSignature =
        "dcb833dc831742ce5efe7a3ea3fbe1c3c0adcba64ba8d53b6ec60a2e2c8cbbd6"
            + "a96b1b4bad24657ae39abc3b30b284e4e08e9cac223aa9c6bdd1cf5886d9134c";
    byte[] sentAsUtf8 = "{\"uid\": \"CUSTé0001\", \"integration_id\": \"abc\"}".getBytes(UTF_8);
    assertThat(Signatures.verifyRequestBody(KEY, sentAsUtf8, pythonSignature)).isTrue();
  }

  @Test
  void aBodyThatIsNotJsonOnlyMatchesRaw() {
    byte[] notJson = "uid=CUST-00123456&integration_id=x".getBytes(UTF_8);
    assertThat(Signatures.verifyRequestBody(KEY, notJson, Signatures.sign(KEY, notJson))).isTrue();
    assertThat(Signatures.verifyRequestBody(KEY, notJson, PYTHON_SIGNATURE)).isFalse();
    byte[] trailing = (SPACED + " {}").getBytes(UTF_8);
    assertThat(Signatures.verifyRequestBody(KEY, trailing, PYTHON_SIGNATURE)).isFalse();
    assertThat(Signatures.verifyRequestBody(KEY, new byte[0], PYTHON_SIGNATURE)).isFalse();
    byte[] brokenUtf8 = {'"', (byte) 0xff, '"'};
    assertThat(Signatures.verifyRequestBody(KEY, brokenUtf8, PYTHON_SIGNATURE)).isFalse();
  }

  @Test
  void headerName() {
    assertThat(Signatures.HEADER).isEqualTo("X-Signature");
  }

  // python3: hmac.new(KEY.encode(), b"1767225600." + COMPACT.encode(), hashlib.sha512).hexdigest()
  private static final String PYTHON_TIMESTAMPED =
      "81b992c095bcb5374de8f560aaf3d1e428f7035b593fbfbf30bd8466bda0d81a"
          + "fed6b75daa9774a3f1d4eaf44b76f21847e31e4b33a9edf2958c1ef3a0195f8c";

  private static final String HEADER = "v1=" + PYTHON_TIMESTAMPED;

  private static final String OTHER_KEY = "crd_live_" + "A".repeat(40);

  @Test
  void theTimestampedSignatureCoversTimestampDotBody() {
    assertThat(Signatures.signTimestamped(KEY, 1767225600L, COMPACT.getBytes(UTF_8)))
        .isEqualTo(PYTHON_TIMESTAMPED);
    assertThat(Signatures.timestampedHeader(List.of(KEY), 1767225600L, COMPACT.getBytes(UTF_8)))
        .isEqualTo(HEADER);
    assertThat(
            Signatures.verifyTimestamped(
                KEY, "1767225600", COMPACT.getBytes(UTF_8), HEADER, 1767225600L, 300))
        .isTrue();
  }

  @Test
  void theTimestampedHeaderHasAV1EntryPerKeyInTheirOrder() {
    byte[] body = COMPACT.getBytes(UTF_8);
    String both = Signatures.timestampedHeader(List.of(OTHER_KEY, KEY), 1767225600L, body);

    assertThat(both)
        .isEqualTo(
            "v1="
                + Signatures.signTimestamped(OTHER_KEY, 1767225600L, body)
                + ",v1="
                + PYTHON_TIMESTAMPED);
    assertThat(Signatures.timestampedSignatures(both))
        .containsExactly(
            Signatures.signTimestamped(OTHER_KEY, 1767225600L, body), PYTHON_TIMESTAMPED);
    // Either key verifies it alone; a receiver holding both, or one of them and another, too.
    for (String key : List.of(KEY, OTHER_KEY)) {
      assertThat(Signatures.verifyTimestamped(key, "1767225600", body, both, 1767225600L, 300))
          .as(key)
          .isTrue();
    }
    assertThat(
            Signatures.verifyTimestamped(
                List.of("some-other-key", KEY), "1767225600", body, HEADER, 1767225600L, 300))
        .isTrue();
    assertThat(
            Signatures.verifyTimestamped(
                List.of("some-other-key"), "1767225600", body, both, 1767225600L, 300))
        .isFalse();
    assertThatThrownBy(() -> Signatures.timestampedHeader(List.of(), 1767225600L, body))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyV1EntriesCount() {
    byte[] body = COMPACT.getBytes(UTF_8);
    // The bare hex of before, another scheme, spaces and empty entries.
    for (String header :
        new String[] {
          PYTHON_TIMESTAMPED, "v2=" + PYTHON_TIMESTAMPED, "V1=" + PYTHON_TIMESTAMPED, "v1=", ""
        }) {
      assertThat(Signatures.verifyTimestamped(KEY, "1767225600", body, header, 1767225600L, 300))
          .as(header)
          .isFalse();
    }
    for (String header :
        new String[] {
          "v2=abc, v1=" + PYTHON_TIMESTAMPED,
          " v1=" + PYTHON_TIMESTAMPED.toUpperCase(java.util.Locale.ROOT) + " ",
          "v1=zz,,v1=" + PYTHON_TIMESTAMPED
        }) {
      assertThat(Signatures.verifyTimestamped(KEY, "1767225600", body, header, 1767225600L, 300))
          .as(header)
          .isTrue();
    }
    assertThat(Signatures.timestampedSignatures(null)).isEmpty();
    assertThat(Signatures.verifyTimestamped(KEY, "1767225600", body, null, 1767225600L, 300))
        .isFalse();
  }

  @Test
  void aTimestampedSignatureIsRefusedOutsideTheToleranceOrForAnotherBodyOrTime() {
    byte[] body = COMPACT.getBytes(UTF_8);
    assertThat(
            Signatures.verifyTimestamped(KEY, "1767225600", body, HEADER, 1767225600L + 301, 300))
        .as("replayed too late")
        .isFalse();
    assertThat(
            Signatures.verifyTimestamped(KEY, "1767225600", body, HEADER, 1767225600L - 301, 300))
        .as("from the future")
        .isFalse();
    assertThat(Signatures.verifyTimestamped(KEY, "1767225601", body, HEADER, 1767225600L, 300))
        .as("another timestamp")
        .isFalse();
    assertThat(
            Signatures.verifyTimestamped(
                KEY, "1767225600", SPACED.getBytes(UTF_8), HEADER, 1767225600L, 300))
        .as("another body")
        .isFalse();
    for (String bad : new String[] {null, "", "-1", "1.5", "abc", "99999999999999"}) {
      assertThat(Signatures.verifyTimestamped(KEY, bad, body, HEADER, 1767225600L, 300))
          .as(String.valueOf(bad))
          .isFalse();
    }
  }
}
