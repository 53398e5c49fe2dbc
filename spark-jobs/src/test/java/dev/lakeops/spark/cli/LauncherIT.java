package dev.lakeops.spark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.spark.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's path as a new user walks it: the {@code submit/mlops} launcher in its own JVM, from
 * the built jar and the written classpath, on the Elec2 example.
 */
class LauncherIT {
  @TempDir Path dir;

  record Result(int code, String out) {}

  Result mlops(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(TestSpark.repo().resolve("submit/mlops").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void featuresTrainingSetAndSqlRunFromTheLauncher() throws Exception {
    String project = TestSpark.repo().resolve("conf/examples/elec2").toString();
    Result features = mlops("features", "--project", project);
    assertThat(features.code()).as(features.out()).isZero();
    assertThat(features.out())
        .contains(
            "source elec2_readings       succeeded   read 45312, written 45312, quarantined 0")
        .doesNotContain("Building the jobs");
    // The default warehouse is ./warehouse, here the working directory of the process.
    assertThat(dir.resolve("warehouse/elec2/features/market_prices/_delta_log")).isDirectory();

    Result set = mlops("training-set", "--project", project);
    assertThat(set.code()).as(set.out()).isZero();
    assertThat(set.out())
        .contains("training set price_direction: 45312 rows -> elec2.training_price_direction");

    Result sql =
        mlops(
            "sql",
            "--project",
            project,
            "--query",
            "SELECT count(*) AS n FROM elec2.market_demand VERSION AS OF 0");
    assertThat(sql.code()).as(sql.out()).isZero();
    assertThat(sql.out()).contains("45312");

    Result again = mlops("features", "--project", project);
    assertThat(again.out()).contains("up_to_date  read 0, written 0, quarantined 0");
  }
}
