package dev.credence.server.audit;

/**
 * One change as the audit log writes it: the action ({@code environment.key_rotated}), what it was
 * done to, and the values before and after (each written as JSON; null for nothing). Made by the
 * same code for the dashboard and the operator, so that both write the same entry for the same
 * change.
 */
public record Change(String action, String target, Object before, Object after) {}
