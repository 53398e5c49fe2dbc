package dev.lakeops.spark.ingest;

import dev.lakeops.spark.SparkErrors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/** Lists the data files under a source path on any Hadoop filesystem, in name order. */
public final class InputFiles {
  private InputFiles() {}

  public static List<InputFile> list(String source, String location, Configuration conf) {
    Path root = new Path(location);
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw SparkErrors.inputPathMissing(source, location);
      }
      List<InputFile> out = new ArrayList<>();
      collect(fs, fs.getFileStatus(root), out);
      out.sort(Comparator.comparing(InputFile::path));
      return out;
    } catch (IOException e) {
      throw SparkErrors.cannotListInput(source, location, e);
    }
  }

  private static void collect(FileSystem fs, FileStatus status, List<InputFile> out)
      throws IOException {
    String name = status.getPath().getName();
    if (name.startsWith("_") || name.startsWith(".")) {
      return;
    }
    if (status.isDirectory()) {
      for (FileStatus child : fs.listStatus(status.getPath())) {
        collect(fs, child, out);
      }
    } else {
      out.add(
          new InputFile(
              status.getPath().toString(), status.getLen(), status.getModificationTime()));
    }
  }

  /**
   * The first non-blank line of a text file (UTF-8; decompressed by the codec its name implies, as
   * Spark's text reader does), read on the driver with no Spark job; null for a file with none.
   *
   * @throws dev.lakeops.common.error.LakeOpsException when the file cannot be read
   */
  public static String firstNonBlankLine(String source, String file, Configuration conf) {
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(conf);
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
      try (InputStream raw = fs.open(path);
          InputStream in = codec == null ? raw : codec.createInputStream(raw);
          BufferedReader r =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (!line.isBlank()) {
            return line;
          }
        }
        return null;
      }
    } catch (IOException e) {
      throw SparkErrors.cannotReadInput(source, file, e);
    }
  }
}
