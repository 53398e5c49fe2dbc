package dev.lakeops.common.online;

import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A project's configuration files, read when a job is built and shipped with its tasks (Flink
 * operators, Spark closures), so that tasks on any machine load the same configuration without
 * access to the project directory. The configuration records themselves (expressions) are not
 * serializable; each task loads them from these files once per JVM.
 */
public final class ProjectFiles implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<Map<String, String>, ProjectConfig> LOADED = new ConcurrentHashMap<>();

  private final TreeMap<String, String> files = new TreeMap<>();

  /** Reads the {@code *.yaml} files of a project directory. */
  public static ProjectFiles of(String projectDir) {
    ProjectFiles p = new ProjectFiles();
    try (Stream<Path> s = Files.list(Path.of(projectDir))) {
      for (Path f : s.filter(f -> f.getFileName().toString().endsWith(".yaml")).toList()) {
        p.files.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the project " + projectDir, e);
    }
    return p;
  }

  /** The project, loaded from a private copy of the files (once per JVM and content). */
  public ProjectConfig load() {
    return LOADED.computeIfAbsent(
        files,
        f -> {
          try {
            Path dir = Files.createTempDirectory("lakeops-project-");
            for (Map.Entry<String, String> e : f.entrySet()) {
              Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
            ProjectConfig p = ProjectLoader.load(dir);
            try (Stream<Path> s = Files.list(dir)) {
              for (Path x : s.toList()) {
                Files.delete(x);
              }
            }
            Files.delete(dir);
            return p;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
