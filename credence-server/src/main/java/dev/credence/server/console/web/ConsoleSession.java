package dev.credence.server.console.web;

/** A signed-in browser: its user, the token its forms must carry, and its session's stored id. */
public record ConsoleSession(ConsoleUser user, String csrfToken, String sessionHash) {}
