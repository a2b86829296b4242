package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The 200 answer to a create-session call.
 *
 * <p>{@code access_token} and {@code url} are the vendor's fields and never change; {@code
 * redirect_url} ({@code {CREDENCE_PUBLIC_URL}/{access_token}}) and {@code expires_at} (epoch
 * seconds) are Credence's additions. A null {@code redirect_url} is left out rather than sent as
 * null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"access_token", "url", "redirect_url", "expires_at"})
public record CreateSessionResponse(
    @JsonProperty("access_token") String accessToken,
    @JsonProperty("url") String url,
    @JsonProperty("redirect_url") String redirectUrl,
    @JsonProperty("expires_at") long expiresAt) {

  public CreateSessionResponse {
    Objects.requireNonNull(accessToken, "accessToken");
    Objects.requireNonNull(url, "url");
  }
}
