package dev.credence.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.credence.server.store.Database;
import io.javalin.config.RoutesConfig;

/** Liveness (the process answers) and readiness (the database answers too). */
public final class HealthApi {
  private final Database database;

  public HealthApi(Database database) {
    this.database = database;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Health(String status, String database, String detail, String code) {}

  public void routes(RoutesConfig routes) {
    routes.get("/health/live", ctx -> ctx.json(new Health("UP", null, null, null)));
    routes.get(
        "/health/ready",
        ctx -> {
          if (database.isReachable()) {
            ctx.json(new Health("UP", "UP", null, null));
          } else {
            ctx.status(503)
                .json(
                    new Health(
                        "DOWN", "DOWN", "The database does not answer", "store_unavailable"));
          }
        });
  }
}
