package dev.credence.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class WireTypesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void errorBodyHasDetailThenCode() throws Exception {
    assertThat(JSON.writeValueAsString(new ErrorBody("uid is required", "uid_length")))
        .isEqualTo("{\"detail\":\"uid is required\",\"code\":\"uid_length\"}");
    assertThatThrownBy(() -> new ErrorBody(null, "x")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new ErrorBody("x", " ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void responseKeepsTheVendorFieldsFirst() throws Exception {
    CreateSessionResponse response =
        new CreateSessionResponse(
            "t.o.k", "https://api.example.com", "https://a.example.com/t.o.k", 1700000000L);
    assertThat(JSON.writeValueAsString(response))
        .isEqualTo(
            "{\"access_token\":\"t.o.k\",\"url\":\"https://api.example.com\","
                + "\"redirect_url\":\"https://a.example.com/t.o.k\",\"expires_at\":1700000000}");
    assertThat(JSON.readValue(JSON.writeValueAsString(response), CreateSessionResponse.class))
        .isEqualTo(response);
  }

  @Test
  void responseLeavesOutAMissingRedirectUrl() throws Exception {
    assertThat(JSON.writeValueAsString(new CreateSessionResponse("t", "u", null, 5)))
        .isEqualTo("{\"access_token\":\"t\",\"url\":\"u\",\"expires_at\":5}");
  }

  @Test
  void responseReadsTheVendorsTwoFieldAnswer() throws Exception {
    CreateSessionResponse vendor =
        JSON.readValue("{\"access_token\": \"t\", \"url\": \"u\"}", CreateSessionResponse.class);
    assertThat(vendor).isEqualTo(new CreateSessionResponse("t", "u", null, 0));
  }

  @Test
  void uidViolationBecomesAnErrorBody() {
    assertThat(new UidViolation("uid_length", "too short").toErrorBody())
        .isEqualTo(new ErrorBody("too short", "uid_length"));
  }
}
