package dev.credence.server.console.web;

import java.util.Optional;

/**
 * Where the dashboard's edge finds who a session cookie belongs to. The accounts feature answers
 * it; the edge only needs this one question, so it does not depend on the accounts feature.
 */
public interface ConsoleSessions {
  /** The browser's session if it is still valid. */
  Optional<ConsoleSession> resume(String token);
}
