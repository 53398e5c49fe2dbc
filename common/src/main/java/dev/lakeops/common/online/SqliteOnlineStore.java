package dev.lakeops.common.online;

import dev.lakeops.common.error.LakeOpsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The embedded online store: one SQLite file in WAL mode, so other processes (the CLI, streaming
 * inference) read a job's commits live while it writes, and the data survives restarts.
 *
 * <p>Layout: {@code lakeops_online(view, entity_key, event_time, payload)} keyed by (view, key),
 * the payload a compact binary row ({@link FeatureValues}) whose feature names are kept once per
 * distinct name list in {@code lakeops_online_schemas}. A 50-feature read is one primary-key lookup
 * and one blob decode.
 *
 * <p>Writes: one {@code BEGIN IMMEDIATE} transaction per {@link #write} call, one atomic upsert per
 * row that replaces the stored row only when the new event time is at or after the stored one.
 * Concurrent writers (other subtasks, other processes) wait for each other up to the busy timeout.
 * {@code synchronous=NORMAL}: a commit survives a crash of the process, not necessarily a power
 * loss.
 *
 * <p>Thread-safety: an instance is safe to share between threads, but it has one connection and
 * serializes its calls; for parallel readers or writers open one store per thread (as the Flink
 * sink does: one store per subtask). Any number of stores, in any number of processes, may open the
 * same file.
 */
public final class SqliteOnlineStore implements OnlineStore {
  /** How long a write waits for another writer's transaction before failing. */
  public static final Duration BUSY_TIMEOUT = Duration.ofSeconds(30);

  private static final String UPSERT =
      "INSERT INTO lakeops_online(view, entity_key, event_time, payload) VALUES (?, ?, ?, ?) "
          + "ON CONFLICT(view, entity_key) DO UPDATE SET event_time = excluded.event_time, "
          + "payload = excluded.payload WHERE excluded.event_time >= lakeops_online.event_time";

  private final Path file;
  private final Map<String, Duration> ttls;
  private final Connection conn;
  private final PreparedStatement readStmt;
  private final PreparedStatement upsertStmt;
  private final PreparedStatement countStmt;
  private final PreparedStatement schemaInsert;
  private final PreparedStatement schemaIdOf;
  private final PreparedStatement schemaNames;
  private final Map<List<String>, Integer> schemaIds = new HashMap<>();
  private final Map<Integer, String[]> schemaById = new HashMap<>();
  private boolean closed;

  /**
   * Opens (creating if needed) the store file.
   *
   * @param ttls per view, how long a row stays valid; views not listed never expire
   */
  public SqliteOnlineStore(Path file, Map<String, Duration> ttls) {
    this.file = file.toAbsolutePath().normalize();
    this.ttls = Map.copyOf(ttls);
    try {
      Path parent = this.file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new LakeOpsException(
          "cannot create the directory of the embedded online store "
              + this.file
              + ": "
              + e.getMessage()
              + ". Fix: choose a writable path (online_store: {type: embedded, path: ...}).",
          e);
    }
    try {
      conn = connect(this.file);
      readStmt =
          conn.prepareStatement(
              "SELECT event_time, payload FROM lakeops_online WHERE view = ? AND entity_key = ?");
      upsertStmt = conn.prepareStatement(UPSERT);
      countStmt = conn.prepareStatement("SELECT count(*) FROM lakeops_online WHERE view = ?");
      schemaInsert =
          conn.prepareStatement("INSERT OR IGNORE INTO lakeops_online_schemas(names) VALUES (?)");
      schemaIdOf = conn.prepareStatement("SELECT id FROM lakeops_online_schemas WHERE names = ?");
      schemaNames = conn.prepareStatement("SELECT names FROM lakeops_online_schemas WHERE id = ?");
    } catch (SQLException e) {
      throw failure("open", e);
    }
  }

  private static Connection connect(Path file) throws SQLException {
    Properties props = new Properties();
    props.setProperty("journal_mode", "WAL");
    props.setProperty("synchronous", "NORMAL");
    props.setProperty("busy_timeout", Long.toString(BUSY_TIMEOUT.toMillis()));
    SQLException last = null;
    // Two processes creating a new file at once can see SQLITE_BUSY while one switches it to WAL.
    for (int attempt = 0; attempt < 20; attempt++) {
      Connection c = null;
      try {
        c = DriverManager.getConnection("jdbc:sqlite:" + file, props);
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT.toMillis());
          try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
            rs.next();
            if (!"wal".equalsIgnoreCase(rs.getString(1))) {
              throw new SQLException("journal_mode is " + rs.getString(1) + ", not wal");
            }
          }
          s.execute("PRAGMA synchronous = NORMAL");
          s.execute(
              "CREATE TABLE IF NOT EXISTS lakeops_online (view TEXT NOT NULL, entity_key TEXT"
                  + " NOT NULL, event_time INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY"
                  + " (view, entity_key)) WITHOUT ROWID");
          s.execute(
              "CREATE TABLE IF NOT EXISTS lakeops_online_schemas (id INTEGER PRIMARY KEY, names"
                  + " BLOB NOT NULL UNIQUE)");
        }
        return c;
      } catch (SQLException e) {
        if (c != null) {
          c.close();
        }
        if (!isBusy(e)) {
          throw e;
        }
        last = e;
        try {
          Thread.sleep(50L * (attempt + 1));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    throw last;
  }

  private static boolean isBusy(SQLException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("SQLITE_BUSY") || m.contains("database is locked");
  }

  /** The store's file. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized void write(String view, Collection<FeatureRow> rows) {
    checkOpen();
    if (rows.isEmpty()) {
      return;
    }
    Map<List<String>, Integer> newSchemas = new HashMap<>();
    try (Statement s = conn.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      boolean done = false;
      try {
        for (FeatureRow row : rows) {
          List<String> names = List.copyOf(row.values().keySet());
          Integer id = schemaIds.get(names);
          if (id == null) {
            id = newSchemas.get(names);
          }
          if (id == null) {
            id = schemaId(names);
            newSchemas.put(names, id);
          }
          upsertStmt.setString(1, view);
          upsertStmt.setString(2, row.entityKey());
          upsertStmt.setLong(3, row.eventTimeMillis());
          upsertStmt.setBytes(4, FeatureValues.encode(id, row.values()));
          upsertStmt.addBatch();
        }
        upsertStmt.executeBatch();
        s.execute("COMMIT");
        done = true;
        schemaIds.putAll(newSchemas); // only ids that are committed
      } finally {
        if (!done) {
          upsertStmt.clearBatch();
          try {
            s.execute("ROLLBACK");
          } catch (SQLException ignored) {
            // no transaction left to roll back
          }
        }
      }
    } catch (SQLException e) {
      throw failure("write " + rows.size() + " rows of view '" + view + "' to", e);
    }
  }

  private int schemaId(List<String> names) throws SQLException {
    byte[] key = FeatureValues.encodeNames(names);
    schemaInsert.setBytes(1, key);
    schemaInsert.executeUpdate();
    schemaIdOf.setBytes(1, key);
    try (ResultSet rs = schemaIdOf.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Override
  public synchronized Optional<FeatureRow> read(String view, String entityKey, long asOfMillis) {
    checkOpen();
    long eventTime;
    byte[] payload;
    try {
      readStmt.setString(1, view);
      readStmt.setString(2, entityKey);
      try (ResultSet rs = readStmt.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        eventTime = rs.getLong(1);
        payload = rs.getBytes(2);
      }
      if (expired(view, eventTime, asOfMillis)) {
        return Optional.empty();
      }
      return Optional.of(
          new FeatureRow(entityKey, eventTime, FeatureValues.decode(payload, names(payload))));
    } catch (SQLException e) {
      throw failure("read view '" + view + "' from", e);
    }
  }

  private String[] names(byte[] payload) throws SQLException {
    int id = FeatureValues.schemaId(payload);
    String[] names = schemaById.get(id);
    if (names == null) {
      schemaNames.setInt(1, id);
      try (ResultSet rs = schemaNames.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("schema " + id + " is missing from lakeops_online_schemas");
        }
        names = FeatureValues.decodeNames(rs.getBytes(1));
      }
      schemaById.put(id, names);
    }
    return names;
  }

  /**
   * True when a row of {@code view} at {@code eventTime} is past the view's TTL at {@code asOf}.
   */
  boolean expired(String view, long eventTime, long asOfMillis) {
    Duration ttl = ttls.get(view);
    return ttl != null && eventTime <= asOfMillis - ttl.toMillis();
  }

  @Override
  public synchronized long count(String view) {
    checkOpen();
    try {
      countStmt.setString(1, view);
      try (ResultSet rs = countStmt.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw failure("count view '" + view + "' in", e);
    }
  }

  /** The views that hold rows, for listings. */
  public synchronized List<String> views() {
    checkOpen();
    List<String> out = new ArrayList<>();
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SELECT DISTINCT view FROM lakeops_online ORDER BY view")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw failure("list the views of", e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      conn.close(); // closes its statements
    } catch (SQLException e) {
      throw failure("close", e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the online store " + file + " is closed");
    }
  }

  private LakeOpsException failure(String what, SQLException e) {
    String fix =
        isBusy(e)
            ? " Fix: another process held a write lock on the file for more than "
                + BUSY_TIMEOUT.toSeconds()
                + " s; retry, or stop the other writer."
            : "";
    return new LakeOpsException(
        "cannot " + what + " the embedded online store " + file + ": " + e.getMessage() + "." + fix,
        e);
  }

  @Override
  public String toString() {
    return "embedded:" + file;
  }
}
