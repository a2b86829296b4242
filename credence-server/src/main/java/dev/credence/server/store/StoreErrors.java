package dev.credence.server.store;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/** Tells a database that is unreachable (answer 503, retry later) from a bug (answer 500). */
public final class StoreErrors {
  private StoreErrors() {}

  public static boolean isUnavailable(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof StoreUnavailableException
          || e instanceof SQLTransientConnectionException
          || e instanceof SQLNonTransientConnectionException
          || e instanceof ConnectException) {
        return true;
      }
      if (e instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        // 08: connection exception; 57P01-57P03: the server is shutting down or starting up;
        // 53300: too many connections; 90098/90121: H2 database closed.
        if (state.startsWith("08")
            || state.startsWith("57P0")
            || state.equals("53300")
            || state.equals("90098")
            || state.equals("90121")) {
          return true;
        }
      }
    }
    return false;
  }

  /** A unique-constraint violation, on PostgreSQL (23505) and H2 (23505 as well). */
  public static boolean isUniqueViolation(Throwable error) {
    for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
