package dev.credence.server.erasure;

import dev.credence.server.testing.RunningServer;

/** What a test reads straight from a server's database about sessions. */
final class StoredRows {
  private StoredRows() {}

  /** The one number {@code sql} counts, with {@code arguments} bound in order. */
  static int count(RunningServer server, String sql, Object... arguments) {
    return server.<Integer>database(
        h -> {
          var query = h.createQuery(sql);
          for (int i = 0; i < arguments.length; i++) {
            query.bind(i, arguments[i]);
          }
          return query.mapTo(Integer.class).one();
        });
  }

  /** The id of the session of a uid that is not erased yet. */
  static String sessionId(RunningServer server, String integrationId, String uid) {
    return server.<String>database(
        h ->
            h.createQuery("SELECT id FROM sessions WHERE integration_id = ? AND uid = ?")
                .bind(0, integrationId)
                .bind(1, uid)
                .mapTo(String.class)
                .one());
  }
}
