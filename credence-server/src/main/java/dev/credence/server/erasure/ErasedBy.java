package dev.credence.server.erasure;

import dev.credence.server.audit.Actor;
import java.util.List;

/**
 * Who erased a session: the name its tombstone keeps ({@code sessions.erased_by}), the actor of its
 * audit entry, and the {@code by} label of {@code credence_erasures_total}.
 *
 * @param name {@code operator}, {@code operator (cli)}, a dashboard user's e-mail address, or
 *     {@code retention}
 * @param label {@code operator}, {@code dashboard} or {@code retention}
 */
public record ErasedBy(String name, Actor actor, String label) {
  /** The labels of {@code credence_erasures_total}. */
  static final List<String> LABELS = List.of("operator", "dashboard", "retention");

  /** The operator, through the operator API. */
  public static ErasedBy operator() {
    return new ErasedBy("operator", Actor.OPERATOR, "operator");
  }

  /** The operator, through the command line. */
  public static ErasedBy operatorCli() {
    return new ErasedBy("operator (cli)", Actor.OPERATOR, "operator");
  }

  /** A signed-in dashboard user of the session's company. */
  public static ErasedBy user(Actor.User user) {
    return new ErasedBy(user.email(), Actor.of(user), "dashboard");
  }

  /** The environment's retention period. */
  public static ErasedBy retention() {
    return new ErasedBy("retention", Actor.RETENTION, "retention");
  }
}
