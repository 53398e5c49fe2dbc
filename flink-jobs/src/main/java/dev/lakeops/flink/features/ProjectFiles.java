package dev.lakeops.flink.features;

import dev.lakeops.common.config.ProjectConfig;
import java.io.Serializable;

/**
 * A project's configuration files, shipped with the job's operators ({@link
 * dev.lakeops.common.online.ProjectFiles}, shared with the Spark jobs that ship a project to their
 * executors).
 */
final class ProjectFiles implements Serializable {
  private static final long serialVersionUID = 2L;

  private final dev.lakeops.common.online.ProjectFiles files;

  private ProjectFiles(dev.lakeops.common.online.ProjectFiles files) {
    this.files = files;
  }

  /** Reads the {@code *.yaml} files of a project directory. */
  static ProjectFiles of(String projectDir) {
    return new ProjectFiles(dev.lakeops.common.online.ProjectFiles.of(projectDir));
  }

  /** The project, loaded from a private copy of the files (once per JVM and content). */
  ProjectConfig load() {
    return files.load();
  }
}
