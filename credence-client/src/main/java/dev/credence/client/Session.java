package dev.credence.client;

import java.time.Instant;

/**
 * A created (or, for an open uid, the same) session.
 *
 * @param accessToken the session's JWT; treat it as opaque
 * @param url the server's public URL ({@code url} of the answer)
 * @param redirectUrl where to send the applicant's browser: the answer's {@code redirect_url}, or
 *     {@code {url}/{access_token}} from a server that does not send one
 * @param expiresAt when the session's time limit ends; null from a server that does not say
 */
public record Session(String accessToken, String url, String redirectUrl, Instant expiresAt) {

  static Session read(Fields answer) {
    String token = answer.text("access_token");
    String url = answer.text("url");
    String redirect = answer.optionalText("redirect_url");
    return new Session(
        token,
        url,
        redirect != null ? redirect : stripSlash(url) + "/" + token,
        answer.isNull("expires_at") ? null : answer.time("expires_at"));
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
