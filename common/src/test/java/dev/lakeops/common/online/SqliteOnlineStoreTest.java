package dev.lakeops.common.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
