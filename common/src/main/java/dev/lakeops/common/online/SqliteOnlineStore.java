package dev.lakeops.common.online;

import dev.lakeops.common.error.Errors;
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
import java.util.Properties;

/**
 * The embedded online store: one SQLite file in WAL mode, so other processes (the CLI, streaming
 * inference) read a job's commits live while it writes, and the data survives restarts.
 *
 * <p>Layout: {@code lakeops_online_history(view, entity_key, latest_micros, history)} keyed by
 * (view, key): the entity's latest event time (epoch µs) and its stored feature history ({@link
 * dev.lakeops.common.features.FeatureHistory}'s versioned binary form, or a values snapshot). A
 * read is one primary-key lookup, one pass over the stored history and the read rule of {@link
 * OnlineStore} (in {@code HistoryReader}); {@link #lookupViews} reads an event's views in one read
 * transaction (one snapshot, one lock acquisition). Reads map the file into memory ({@code
 * mmap_size}, up to 1 GiB). The table of the earlier layout ({@code lakeops_online}, latest rows
 * only) is left alone and no longer read: re-run {@code materialize} or the online-store job.
 *
 * <p>Writes: one {@code BEGIN IMMEDIATE} transaction per write call, one atomic upsert per entry
 * that replaces the stored entry only when the new latest time is at or after the stored one.
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

  private static final String TABLE = "lakeops_online_history";

  /**
   * How much of the file reads map into memory ({@code PRAGMA mmap_size}, address space only): a
   * page read is then a memory access, not a {@code pread} call into a buffer of the connection's
   * page cache, which also holds when a commit of another connection empties that cache.
   */
  static final long MMAP_BYTES = 1L << 30;

  /**
   * The page size of a new store file, in bytes (SQLite's default is 4,096). In this table (WITHOUT
   * ROWID, so its rows are index cells) a row keeps at most about a quarter of a page in its B-tree
   * cell and the rest on overflow pages: with 8 KB pages a history of up to 2 KB stays in its cell
   * and one of 10 KB needs one overflow page, where 4 KB pages need eight (each found and copied on
   * a read, and each rewritten on an update). Larger pages read faster still but multiply what
   * every update writes to the WAL (measured in benchmarks/README.md, "online"). A file created
   * with another page size keeps it.
   */
  static final int PAGE_BYTES = 8_192;

  private static final String UPSERT =
      "INSERT INTO "
          + TABLE
          + "(view, entity_key, latest_micros, history) VALUES (?, ?, ?, ?) ON CONFLICT(view,"
          + " entity_key) DO UPDATE SET latest_micros = excluded.latest_micros, history ="
          + " excluded.history WHERE excluded.latest_micros >= "
          + TABLE
          + ".latest_micros";

  private final Path file;
  private final Map<String, HistoryReader> readers = new HashMap<>();
  private final Connection conn;
  private final PreparedStatement readStmt;
  private final PreparedStatement upsertStmt;
  private final PreparedStatement countStmt;
  private final PreparedStatement beginStmt;
  private final PreparedStatement commitStmt;
  private boolean closed;

  /**
   * Opens (creating if needed) the store file.
   *
   * @param views per view name, its TTL and features; entries of other views read as values
   *     snapshots only, without TTL
   */
  public SqliteOnlineStore(Path file, Map<String, OnlineView> views) {
    this.file = file.toAbsolutePath().normalize();
    views.forEach((name, v) -> readers.put(name, new HistoryReader(v)));
    try {
      Path parent = this.file.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw Errors.cannotCreateEmbeddedStore(this.file, e);
    }
    try {
      conn = connect(this.file);
      readStmt =
          conn.prepareStatement(
              "SELECT history FROM " + TABLE + " WHERE view = ? AND entity_key = ?");
      upsertStmt = conn.prepareStatement(UPSERT);
      countStmt = conn.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE view = ?");
      beginStmt = conn.prepareStatement("BEGIN DEFERRED");
      commitStmt = conn.prepareStatement("COMMIT");
    } catch (SQLException e) {
      throw failure("open", e);
    }
  }

  private static Connection connect(Path file) throws SQLException {
    Properties props = new Properties();
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
          // Only a new, empty file takes it (before WAL is on); an existing file keeps its own.
          s.execute("PRAGMA page_size = " + PAGE_BYTES);
          try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
            rs.next();
            if (!"wal".equalsIgnoreCase(rs.getString(1))) {
              throw new SQLException("journal_mode is " + rs.getString(1) + ", not wal");
            }
          }
          s.execute("PRAGMA synchronous = NORMAL");
          s.execute("PRAGMA mmap_size = " + MMAP_BYTES);
          s.execute(
              "CREATE TABLE IF NOT EXISTS "
                  + TABLE
                  + " (view TEXT NOT NULL, entity_key TEXT NOT NULL, latest_micros INTEGER NOT"
                  + " NULL, history BLOB NOT NULL, PRIMARY KEY (view, entity_key)) WITHOUT ROWID");
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
  public synchronized void writeHistories(String view, Collection<StoredHistory> histories) {
    checkOpen();
    if (histories.isEmpty()) {
      return;
    }
    try (Statement s = conn.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      boolean done = false;
      try {
        for (StoredHistory h : histories) {
          upsertStmt.setString(1, view);
          upsertStmt.setString(2, h.entityKey());
          upsertStmt.setLong(3, h.latestMicros());
          upsertStmt.setBytes(4, h.history());
          upsertStmt.addBatch();
        }
        upsertStmt.executeBatch();
        s.execute("COMMIT");
        done = true;
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
      throw failure("write " + histories.size() + " entries of view '" + view + "' to", e);
    }
  }

  @Override
  public synchronized OnlineRead lookup(String view, String entityKey, long asOfMillis) {
    checkOpen();
    byte[] stored;
    try {
      stored = stored(view, entityKey);
    } catch (SQLException e) {
      throw failure("read view '" + view + "' from", e);
    }
    return reader(view).read(entityKey, stored, asOfMillis);
  }

  private byte[] stored(String view, String entityKey) throws SQLException {
    readStmt.setString(1, view);
    readStmt.setString(2, entityKey);
    try (ResultSet rs = readStmt.executeQuery()) {
      return rs.next() ? rs.getBytes(1) : null;
    }
  }

  /** Reads the (view, key) pairs in one read transaction: one snapshot, one lock acquisition. */
  @Override
  public synchronized List<OnlineRead> lookupViews(
      List<String> views, List<String> entityKeys, long asOfMillis) {
    OnlineStore.checkSameSize(views, entityKeys);
    checkOpen();
    if (views.size() == 1) {
      List<OnlineRead> out = new ArrayList<>(views.size());
      for (int i = 0; i < views.size(); i++) {
        out.add(lookup(views.get(i), entityKeys.get(i), asOfMillis));
      }
      return out;
    }
    byte[][] stored = new byte[views.size()][];
    try {
      beginStmt.execute();
      boolean done = false;
      try {
        for (int i = 0; i < stored.length; i++) {
          stored[i] = stored(views.get(i), entityKeys.get(i));
        }
        commitStmt.execute();
        done = true;
      } finally {
        if (!done) {
          try (Statement s = conn.createStatement()) {
            s.execute("ROLLBACK");
          } catch (SQLException ignored) {
            // no transaction left to roll back
          }
        }
      }
    } catch (SQLException e) {
      throw failure("read views " + views + " from", e);
    }
    List<OnlineRead> out = new ArrayList<>(stored.length);
    for (int i = 0; i < stored.length; i++) {
      out.add(reader(views.get(i)).read(entityKeys.get(i), stored[i], asOfMillis));
    }
    return out;
  }

  private HistoryReader reader(String view) {
    return readers.computeIfAbsent(view, HistoryReader::unknown);
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
        ResultSet rs = s.executeQuery("SELECT DISTINCT view FROM " + TABLE + " ORDER BY view")) {
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
    return Errors.embeddedStoreFailed(what, file, e, isBusy(e) ? BUSY_TIMEOUT : null);
  }

  @Override
  public String toString() {
    return "embedded:" + file;
  }
}
