package michat.storage;

import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.sql.SQLException;

/** Recognizes database failures that mean something other than "the database is broken". */
public final class SqlErrors {
  private SqlErrors() {}

  /** True when the failure is a unique-key violation, on MySQL/MariaDB or H2. */
  public static boolean isDuplicate(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof MySQLException m && m.getErrorCode() == 1062) {
        return true;
      }
      if (c instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("23")) {
        return true;
      }
    }
    return false;
  }

  /** True for a deadlock or lock-wait timeout: the transaction was rolled back and may be retried. */
  public static boolean isTransient(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof MySQLException m && (m.getErrorCode() == 1213 || m.getErrorCode() == 1205)) {
        return true;
      }
      if (c instanceof SQLException s && ("40001".equals(s.getSQLState()) || "HYT00".equals(s.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the failure says the database did not answer — a refused or closed connection, a
   * socket error — rather than answering with an error of its own (a broken constraint, a deadlock,
   * or the caller's own refusal inside a transaction).
   */
  public static boolean isSilence(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ClosedConnectionException || c instanceof java.io.IOException
          || c instanceof java.util.concurrent.TimeoutException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
