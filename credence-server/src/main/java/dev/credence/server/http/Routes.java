package dev.credence.server.http;

import io.javalin.config.RoutesConfig;
import java.util.List;

/**
 * The routes of one feature. Javalin takes the first declared route that matches a path, and the
 * applicant's link is any single path segment ({@code /{token}}); so {@link #declare} puts the
 * links after every feature's routes, whatever order the features are listed in.
 */
@FunctionalInterface
public interface Routes {
  void declare(RoutesConfig routes);

  /** Declares every feature's routes, then the applicant's links, which match what is left. */
  static void declare(RoutesConfig routes, List<Routes> features, Routes links) {
    features.forEach(feature -> feature.declare(routes));
    links.declare(routes);
  }
}
