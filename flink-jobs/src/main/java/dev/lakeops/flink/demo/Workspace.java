package dev.lakeops.flink.demo;

import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.config.ProjectConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The demo's directory: made afresh (an earlier demo's directory, known by its marker file, is
 * replaced; any other non-empty directory is refused), with a copy of the project whose replayed
 * source reads the stream's input directory instead of the original file.
 */
final class Workspace {
  private Workspace() {}

  /**
   * Creates {@code dir} and {@code dir/project}.
   *
   * @param source the source the replay feeds
   * @return the project copy
   * @throws UsageException when {@code dir} is a non-empty directory no demo made
   */
  static Path create(Path dir, String marker, ProjectConfig original, String source)
      throws IOException {
    if (Files.isDirectory(dir) && !isEmpty(dir)) {
      if (!Files.exists(dir.resolve(marker))) {
        throw new UsageException(
            "demo",
            dir + " exists and was not made by a demo; pass --dir with a new or empty directory.");
      }
      org.apache.flink.util.FileUtils.deleteDirectory(dir.toFile());
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(marker), "made by mlops demo; replaced by the next one\n");
    Path project = dir.resolve("project");
    Files.createDirectories(project);
    try (Stream<Path> files = Files.list(original.dir())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        Files.copy(f, project.resolve(f.getFileName()));
      }
    }
    String path = original.sources().get(source).path();
    Path sources = project.resolve("sources.yaml");
    List<String> lines = Files.readAllLines(sources);
    String target = "path: " + path;
    int hits = 0;
    StringBuilder out = new StringBuilder();
    for (String l : lines) {
      if (l.trim().equals(target)) {
        l = l.replace(target, "path: ../stream/readings");
        hits++;
      }
      out.append(l).append('\n');
    }
    if (hits != 1) {
      throw new UsageException(
          "demo",
          original.dir().resolve("sources.yaml")
              + ": the demo expects one line '"
              + target
              + "' (the replayed source's path) to point to its stream; found "
              + hits
              + ".");
    }
    Files.writeString(sources, out);
    return project;
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
