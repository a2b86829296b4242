package dev.credence.server.http;

import dev.credence.server.store.Database;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/** Liveness (the process answers) and readiness (the database answers too). */
public final class HealthApi {
  private final Database database;

  public HealthApi(Database database) {
    this.database = database;
  }

  public void routes(RoutesConfig routes) {
    routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
    routes.get(
        "/health/ready",
        ctx -> {
          if (database.isReachable()) {
            ctx.json(Map.of("status", "UP", "database", "UP"));
          } else {
            ctx.status(503)
                .json(
                    Map.of(
                        "status",
                        "DOWN",
                        "database",
                        "DOWN",
                        "code",
                        "store_unavailable",
                        "detail",
                        "The database does not answer"));
          }
        });
  }
}
