package dev.lakeops.spark.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.spark.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSV file with a header, read in several splits: the header is dropped once per file (the first
 * non-blank line of the split at offset 0), and a later line with the header's text is a data
 * record like any other.
 */
class SourceReaderIT {
  @TempDir static Path dir;

  @Test
  void headerIsDroppedOncePerFileAcrossSplits() throws IOException {
    SparkSession spark = TestSpark.session();
    Path project = dir.resolve("project");
    Files.createDirectories(project);
    Files.writeString(project.resolve("project.yaml"), "name: splits\n");
    Files.writeString(project.resolve("entities.yaml"), "entities:\n  - {name: item, key: id}\n");
    Files.writeString(
        project.resolve("sources.yaml"),
        """
        sources:
          - name: sales
            format: csv
            path: sales
            header: true
            entity: item
            entity_key: id
            event_time: {column: ts, format: "yyyy-MM-dd HH:mm:ss"}
            schema:
              - {name: id, type: string, nullable: false}
              - {name: ts, type: string, nullable: false}
              - {name: amount, type: double}
        """);
    Files.writeString(
        project.resolve("feature_views.yaml"),
        """
        feature_views:
          - name: spend
            entity: item
            source: sales
            ttl: 1d
            features:
              - {name: total, agg: sum, expr: amount, window: 1d}
        """);
    SourceConfig source = ProjectLoader.load(project).sources().get("sales");

    // File a: blank lines before the header, 3,000 records; record 1,500 is the header's text.
    StringBuilder a = new StringBuilder("\n  \nid,ts,amount\n");
    for (int i = 0; i < 3000; i++) {
      a.append(i == 1500 ? "id,ts,amount" : "a" + i + ",2024-01-01 00:00:00," + i).append('\n');
      if (i % 700 == 0) {
        a.append('\n');
      }
    }
    // File b: its columns in another order (the header maps them by name), 500 records.
    StringBuilder b = new StringBuilder("amount,id,ts\n");
    for (int i = 0; i < 500; i++) {
      b.append(i).append(",b").append(i).append(",2024-01-02 00:00:00\n");
    }
    Path fa = project.resolve("sales/a.csv");
    Path fb = project.resolve("sales/b.csv");
    Files.createDirectories(fa.getParent());
    Files.writeString(fa, a);
    Files.writeString(fb, b);

    String maxBytes = spark.conf().get("spark.sql.files.maxPartitionBytes");
    spark.conf().set("spark.sql.files.maxPartitionBytes", "8192");
    try {
      Dataset<Row> read =
          new SourceReader(spark)
              .readFiles(
                  source,
                  List.of(
                      new InputFile(fa.toString(), Files.size(fa), 0),
                      new InputFile(fb.toString(), Files.size(fb), 0)),
                  0);
      assertThat(read.javaRDD().getNumPartitions())
          .as("file a spans several splits")
          .isGreaterThan(3);
      Dataset<Row> validated = RowValidator.validate(source, read).cache();

      assertThat(validated.count()).isEqualTo(3500);
      List<Row> bad = validated.filter(size(col(RowValidator.VIOLATIONS)).gt(0)).collectAsList();
      assertThat(bad).hasSize(1);
      assertThat(bad.get(0).getString(bad.get(0).fieldIndex(SourceReader.RAW)))
          .isEqualTo("id,ts,amount");
      Set<String> ids = new TreeSet<>();
      validated
          .filter(size(col(RowValidator.VIOLATIONS)).equalTo(0))
          .select("id", "amount")
          .collectAsList()
          .forEach(
              r -> {
                ids.add(r.getString(0));
                assertThat(r.getDouble(1))
                    .isEqualTo(Double.parseDouble(r.getString(0).substring(1)));
              });
      assertThat(ids).hasSize(3499);
      assertThat(ids).doesNotContain("a1500").contains("a0", "a2999", "b0", "b499");
      validated.unpersist();
    } finally {
      spark.conf().set("spark.sql.files.maxPartitionBytes", maxBytes);
    }
  }
}
