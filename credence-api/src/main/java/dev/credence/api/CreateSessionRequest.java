package dev.credence.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /v1/sessions-management/tokens}.
 *
 * <p>Deliberately unvalidated: a missing field or a broken uid must reach the server, which answers
 * with a 422 that names the exact problem (see {@link UidRules}). Unknown fields are ignored, as
 * the contract requires.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CreateSessionRequest(
    @JsonProperty("uid") String uid, @JsonProperty("integration_id") String integrationId) {}
