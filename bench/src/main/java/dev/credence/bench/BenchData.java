package dev.credence.bench;

import static dev.credence.server.store.Timestamps.utc;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/** SQL pieces the benchmarks that load a database share (FunnelBench, EventsBench). */
final class BenchData {
  private BenchData() {}

  /**
   * The numbers {@code :first} to {@code :last} as rows {@code r.x}, in H2's or PostgreSQL's SQL.
   */
  static String range(boolean h2) {
    return h2
        ? "(SELECT \"X\" AS x FROM SYSTEM_RANGE(CAST(:first AS BIGINT), CAST(:last AS BIGINT))) r"
        : "generate_series(CAST(:first AS BIGINT), CAST(:last AS BIGINT)) AS r(x)";
  }

  /** An interval of {@code expression} seconds, as H2 and PostgreSQL both read it. */
  static String seconds(String expression) {
    return "INTERVAL '1' SECOND * (" + expression + ")";
  }

  /** The company 'bench0company' and its deployment 'bench0deployment', for environments. */
  static void deployment(Handle h, Instant now) {
    h.createUpdate(
            "INSERT INTO companies (id, name, created_at) VALUES ('bench0company', 'Bench', ?)")
        .bind(0, utc(now))
        .execute();
    h.createUpdate(
            "INSERT INTO deployments (id, company_id, name, created_at)"
                + " VALUES ('bench0deployment', 'bench0company', 'Loans', ?)")
        .bind(0, utc(now))
        .execute();
  }
}
