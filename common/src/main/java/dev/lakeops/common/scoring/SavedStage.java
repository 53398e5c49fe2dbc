package dev.lakeops.common.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakeops.common.error.Errors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One saved MLlib stage directory: its {@code metadata/part-00000} JSON (class, uid, params set and
 * default params) and the Parquet rows under a data directory.
 */
final class SavedStage {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final Configuration conf;
  final JsonNode metadata;
  final String className;

  private SavedStage(Path dir, Configuration conf, JsonNode metadata) {
    this.dir = dir;
    this.conf = conf;
    this.metadata = metadata;
    this.className = metadata.path("class").asText();
  }

  static SavedStage open(Path dir, Configuration conf) {
    Path meta = new Path(new Path(dir, "metadata"), "part-00000");
    try {
      FileSystem fs = meta.getFileSystem(conf);
      if (!fs.exists(meta)) {
        // Spark 4 writes the metadata as a text data set: part-00000-<uuid>-c000.txt
        Path metaDir = new Path(dir, "metadata");
        if (fs.exists(metaDir)) {
          for (FileStatus st : fs.listStatus(metaDir, p -> p.getName().startsWith("part-"))) {
            meta = st.getPath();
            break;
          }
        }
      }
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(fs.open(meta), StandardCharsets.UTF_8))) {
        String line = r.readLine();
        if (line == null) {
          throw Errors.emptyStageMetadata(meta);
        }
        return new SavedStage(dir, conf, JSON.readTree(line));
      }
    } catch (IOException e) {
      throw Errors.cannotReadStageMetadata(meta, e);
    }
  }

  String simpleName() {
    return className.substring(className.lastIndexOf('.') + 1);
  }

  String uid() {
    return metadata.path("uid").asText();
  }

  /** The param as set, else its default, else null. */
  JsonNode param(String name) {
    JsonNode v = metadata.path("paramMap").get(name);
    if (v == null || v.isNull()) {
      v = metadata.path("defaultParamMap").get(name);
    }
    return v == null || v.isNull() ? null : v;
  }

  boolean isSet(String name) {
    JsonNode v = metadata.path("paramMap").get(name);
    return v != null && !v.isNull();
  }

  String string(String name, String fallback) {
    JsonNode v = param(name);
    return v == null ? fallback : v.asText();
  }

  String requiredString(String name) {
    JsonNode v = param(name);
    if (v == null) {
      throw Errors.stageParamMissing(simpleName(), dir, name);
    }
    return v.asText();
  }

  double number(String name, double fallback) {
    JsonNode v = param(name);
    if (v == null) {
      return fallback;
    }
    if (v.isTextual()) {
      return switch (v.asText()) {
        case "NaN" -> Double.NaN;
        case "Infinity", "Inf" -> Double.POSITIVE_INFINITY;
        case "-Infinity", "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(v.asText());
      };
    }
    return v.asDouble();
  }

  boolean bool(String name, boolean fallback) {
    JsonNode v = param(name);
    return v == null ? fallback : v.asBoolean();
  }

  double[] doubles(String name) {
    JsonNode v = param(name);
    if (v == null) {
      return null;
    }
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i).asDouble();
    }
    return out;
  }

  /** Columns of a single- or multi-column stage: inputCol/outputCol or inputCols/outputCols. */
  String[] columns(String single, String multi) {
    JsonNode many = metadata.path("paramMap").get(multi);
    if (many != null && many.isArray()) {
      String[] out = new String[many.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = many.get(i).asText();
      }
      return out;
    }
    JsonNode one = param(single);
    if (one == null) {
      throw Errors.stageParamsMissing(simpleName(), dir, single, multi);
    }
    return new String[] {one.asText()};
  }

  /** An entry of the metadata's top level (e.g. numFeatures, numClasses of tree models). */
  JsonNode meta(String name) {
    return metadata.get(name);
  }

  /** Every row of the Parquet files under {@code sub} ("data", "treesMetadata"), in file order. */
  List<Map<String, Object>> rows(String sub) {
    Path data = new Path(dir, sub);
    try {
      FileSystem fs = data.getFileSystem(conf);
      FileStatus[] files = fs.listStatus(data, p -> p.getName().endsWith(".parquet"));
      Arrays.sort(files, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
      List<Map<String, Object>> out = new ArrayList<>();
      for (FileStatus f : files) {
        out.addAll(ParquetRows.read(f.getPath(), conf));
      }
      if (out.isEmpty()) {
        throw Errors.stageDataEmpty(simpleName(), dir, sub);
      }
      return out;
    } catch (IOException e) {
      throw Errors.cannotReadStageData(simpleName(), data, e);
    }
  }
}
