package dev.credence.server.sessions;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.credence.server.deployments.Environment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access token (docs/integration-guide.md, "The access token"): an HS256 JWT signed with the
 * server's token secret (never a lender's key). The {@code kid} names the secret, so a new secret
 * can take over while tokens signed with the previous ones stay valid until they expire.
 */
public final class AccessTokens {
  private final String currentKid;
  private final JWSHeader header;
  private final MACSigner signer;
  private final Map<String, MACVerifier> verifiers = new LinkedHashMap<>();
  private final String publicUrl;

  public AccessTokens(String currentSecret, List<String> previousSecrets, String publicUrl) {
    this.publicUrl = publicUrl;
    try {
      this.currentKid = kid(currentSecret);
      this.header = header(currentKid);
      this.signer = new MACSigner(currentSecret.getBytes(StandardCharsets.UTF_8));
      verifiers.put(currentKid, new MACVerifier(currentSecret.getBytes(StandardCharsets.UTF_8)));
      for (String secret : previousSecrets) {
        verifiers.putIfAbsent(
            kid(secret), new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)));
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the token secret is not usable for HS256", e);
    }
  }

  /** Same session, same token: a retried create call gets back exactly the token it had. */
  public String issue(Session session, Environment environment) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .claim("uid", session.uid())
            .claim("company_id", environment.companyId())
            .claim("integration_id", session.integrationId())
            .claim("url", publicUrl)
            .expirationTime(Date.from(session.expiresAt()))
            .issueTime(Date.from(session.createdAt()))
            .jwtID(session.id())
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token", e);
    }
    return jwt.serialize();
  }

  /** What a presented token proves. */
  public sealed interface Check {}

  /** Signed by us; {@code expired} when its {@code exp} has passed. */
  public record Genuine(String sessionId, String integrationId, String uid, boolean expired)
      implements Check {}

  /** Not ours: malformed, tampered, unknown key, or signed with another secret. */
  public record Invalid(String reason) implements Check {}

  public Check check(String token, Instant now) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      return new Invalid("malformed");
    }
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      return new Invalid("algorithm");
    }
    MACVerifier verifier = verifiers.get(jwt.getHeader().getKeyID());
    try {
      if (verifier == null || !jwt.verify(verifier)) {
        return new Invalid("signature");
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      if (claims.getJWTID() == null || exp == null) {
        return new Invalid("claims");
      }
      return new Genuine(
          claims.getJWTID(),
          claims.getStringClaim("integration_id"),
          claims.getStringClaim("uid"),
          !now.isBefore(exp.toInstant()));
    } catch (JOSEException | ParseException e) {
      return new Invalid("claims");
    }
  }

  /**
   * The header exactly as the vendor's tokens begin, {@code {"typ":"JWT","alg":"HS256"}}, then the
   * {@code kid}. Parsing it keeps these bytes: the signature covers the text as written here.
   */
  private static JWSHeader header(String kid) {
    try {
      String json = "{\"typ\":\"JWT\",\"alg\":\"HS256\",\"kid\":\"" + kid + "\"}";
      return JWSHeader.parse(Base64URL.encode(json));
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  static String kid(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
