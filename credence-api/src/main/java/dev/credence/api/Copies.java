package dev.credence.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Immutable copies for the wire records, which may hold nulls a reader has yet to refuse. */
final class Copies {
  private Copies() {}

  static <T> List<T> list(List<T> list) {
    return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
  }
}
