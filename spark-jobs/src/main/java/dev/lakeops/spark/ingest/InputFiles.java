package dev.lakeops.spark.ingest;

import dev.lakeops.spark.SparkErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

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
}
