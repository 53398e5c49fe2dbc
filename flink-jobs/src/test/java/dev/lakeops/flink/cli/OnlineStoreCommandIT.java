package dev.lakeops.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.flink.testing.CommandRun;
import dev.lakeops.flink.testing.SparkRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code online-store --once} on a local MiniCluster of its own (no test cluster), then {@code
 * online-store get}: the features of two CDNOW customers, checked against hand-computed values.
 */
class OnlineStoreCommandIT {
  @TempDir Path dir;

  static CommandRun run(String... args) {
    return CommandRun.onlineStore(args);
  }

  @Test
  void onceThenGet() throws Exception {
    String project = SparkRuns.repo().resolve("conf/examples/cdnow").toString();
    List<String> lines =
        Files.readAllLines(SparkRuns.repo().resolve("data/cdnow/CDNOW_master.txt"));
    List<String> some = new ArrayList<>(lines.subList(0, 501)); // header + 500 purchases
    some.add(" 00003 1997xx02 2 20.76"); // a bad date: dead letter
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.write(in.resolve("part-1.txt"), some);
    String wh = dir.resolve("wh").toString();

    CommandRun job =
        run(
            "--project",
            project,
            "--warehouse",
            wh,
            "--input",
            in.toString(),
            "--once",
            "--flink-conf",
            SparkRuns.repo().resolve("conf/flink/config.yaml").toString());
    assertThat(job.code()).as(job.err()).isZero();
    assertThat(job.out())
        .contains(
            "online-store online_store_purchases: source purchases -> embedded:"
                + wh
                + "/cdnow/_online/features.db")
        .containsPattern("view customer_purchases\\s+\\d+ keys")
        .contains("done in");
    assertThat(dir.resolve("wh/cdnow/_online/checkpoints/online_store_purchases")).isDirectory();
    Path dead = dir.resolve("wh/cdnow/_online/dead_letter/online_store_purchases");
    String deadLetter = String.join("\n", readAll(dead));
    assertThat(deadLetter).contains("\"rule\":\"event_time\"").contains("1997xx02");

    CommandRun three =
        run(
            "get",
            "00003",
            "--project",
            project,
            "--warehouse",
            wh,
            "--as-of",
            "1998-06-01T00:00:00Z");
    assertThat(three.code()).as(three.err()).isZero();
    // 00003 bought on 1997-01-02, 03-30, 04-02, 11-15, 11-25 and 1998-05-28
    assertThat(three.out())
        .contains("customer_purchases (customer 00003) event_time 1998-05-28T00:00:00Z, age 4d")
        .containsPattern("purchases_30d\\s+= 1\\n")
        .containsPattern("purchases_365d\\s+= 3\\n")
        .containsPattern("last_cds\\s+= 1.0\\n")
        .containsPattern("max_order_365d\\s+= 57.45\\n")
        .containsPattern("big_orders_365d\\s+= 1\\n");
    double spend = 57.45 + 20.96 + 16.99;
    assertThat(three.out())
        .containsPattern("spend_365d\\s+= " + java.util.regex.Pattern.quote(String.valueOf(spend)));

    // two purchases on one day: counted twice, and 'last' takes the greater
    CommandRun two =
        run(
            "get",
            "00002",
            "--project",
            project,
            "--warehouse",
            wh,
            "--as-of",
            "1997-01-20T00:00:00Z");
    assertThat(two.out())
        .containsPattern("purchases_30d\\s+= 2\\n")
        .containsPattern("cds_90d\\s+= 6.0\\n")
        .containsPattern("last_cds\\s+= 5.0\\n")
        .containsPattern("spend_30d\\s+= 89.0\\n");

    CommandRun nobody = run("get", "99999", "--project", project, "--warehouse", wh);
    assertThat(nobody.out()).contains("customer_purchases (customer 99999): no row");
  }

  private static List<String> readAll(Path d) throws Exception {
    List<String> out = new ArrayList<>();
    try (var files = Files.walk(d)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (!f.getFileName().toString().startsWith(".")) {
          out.addAll(Files.readAllLines(f));
        }
      }
    }
    return out;
  }
}
