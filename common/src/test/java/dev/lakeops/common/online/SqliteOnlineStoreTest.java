package dev.lakeops.common.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteOnlineStoreTest extends OnlineStoreContract {
  @TempDir Path tmp;

  @Override
  OnlineStore openStore() {
    return new SqliteOnlineStore(tmp.resolve("sub/dir/features.db"), VIEWS);
  }

  @Test
  void theFileIsInWalModeAndCreatedWithItsDirectories() throws Exception {
    try (OnlineStore s = store()) {
      s.write(VIEW, List.of(row("k", T0, 1.0)));
      assertThat(tmp.resolve("sub/dir/features.db")).exists();
      assertThat(Files.exists(tmp.resolve("sub/dir/features.db-wal"))).isTrue();
    }
  }

  @Test
  void aNewFileGets8KbPagesAndAnExistingFileKeepsItsOwn() throws Exception {
    try (OnlineStore s = store()) {
      s.write(VIEW, List.of(row("k", T0, 1.0)));
    }
    assertThat(pageSize(tmp.resolve("sub/dir/features.db"))).isEqualTo(8192);

    Path old = tmp.resolve("old.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
        Statement st = c.createStatement()) {
      st.execute("PRAGMA page_size = 4096");
      st.execute("CREATE TABLE t (x INTEGER)");
    }
    try (OnlineStore s = new SqliteOnlineStore(old, VIEWS)) {
      s.write(VIEW, List.of(row("k", T0, 1.0)));
      assertThat(s.read(VIEW, "k", T0)).contains(row("k", T0, 1.0));
    }
    assertThat(pageSize(old)).isEqualTo(4096);
  }

  private static long pageSize(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA page_size")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void twoStoresOnOneFileSeeEachOthersCommits() {
    OnlineStore writer = store();
    OnlineStore reader = store();
    assertThat(reader.read(VIEW, "k", T0)).isEmpty();
    writer.write(VIEW, List.of(row("k", T0, 1.0)));
    assertThat(reader.read(VIEW, "k", T0)).contains(row("k", T0, 1.0));
    reader.write(VIEW, List.of(row("k", T0 + 1, 2.0)));
    assertThat(writer.read(VIEW, "k", T0 + 1)).contains(row("k", T0 + 1, 2.0));
  }
}
