package dev.credence.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.credence.server.store.Database;
import io.javalin.config.RoutesConfig;

/**
 * Liveness (the process answers) and readiness (the database answers too, and the server is not
 * stopping: from the first moment of a stop, load balancers are told to send no more).
 */
public final class HealthApi {
  private final Database database;
  private volatile boolean stopping;

  public HealthApi(Database database) {
    this.database = database;
  }

  /** Readiness answers 503 from now on; everything else is still served. */
  public void markStopping() {
    stopping = true;
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Health(String status, String database, String detail, String code) {}

  public void routes(RoutesConfig routes) {
    routes.get("/health/live", ctx -> ctx.json(new Health("UP", null, null, null)));
    routes.get(
        "/health/ready",
        ctx -> {
          if (stopping) {
            ctx.status(503)
                .json(new Health("STOPPING", null, "The server is stopping", "stopping"));
          } else if (database.isReachable()) {
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
