package dev.credence.server.store.migrations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Allows the status {@code ERASED} on sessions. The check on {@code sessions.status} was declared
 * without a name (V1), so each database named it its own way ({@code sessions_status_check} on
 * PostgreSQL, {@code CONSTRAINT_...} on H2): it is found by its table and the statuses it lists in
 * the standard {@code information_schema}, dropped, and declared again with a name.
 */
public final class V13__Session_status_erased extends BaseJavaMigration {
  static final String CHECK =
      "ALTER TABLE sessions ADD CONSTRAINT sessions_status CHECK (status IN"
          + " ('CREATED', 'STARTED', 'COMPLETED', 'CANCELLED', 'EXPIRED', 'ERASED'))";

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    List<String> names = statusChecks(connection);
    if (names.size() != 1) {
      throw new IllegalStateException(
          "expected one check on sessions.status, found " + names.size() + ": " + names);
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE sessions DROP CONSTRAINT " + quoted(names.get(0)));
      statement.execute(CHECK);
    }
  }

  /** The check constraints of the sessions table in this schema that list the statuses. */
  static List<String> statusChecks(Connection connection) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT tc.constraint_name, cc.check_clause"
                + " FROM information_schema.table_constraints tc"
                + " JOIN information_schema.check_constraints cc"
                + " ON cc.constraint_schema = tc.constraint_schema"
                + " AND cc.constraint_name = tc.constraint_name"
                + " WHERE tc.constraint_type = 'CHECK' AND LOWER(tc.table_name) = 'sessions'"
                + " AND tc.table_schema = CURRENT_SCHEMA")) {
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          String clause = rs.getString("check_clause");
          if (clause != null && clause.contains("'CANCELLED'")) {
            names.add(rs.getString("constraint_name"));
          }
        }
      }
    }
    return names;
  }

  private static String quoted(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
