package dev.lakeops.spark.training;

import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.spark.SparkErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.PipelineModel;

/**
 * A model version's artifact directory on any Hadoop filesystem: {@code model/} (MLlib's own saved
 * PipelineModel: metadata JSON + Parquet), {@code profile.json}, {@code signature.json} and {@code
 * config/} (the project's YAML files the model was trained from, for {@code reproduce}).
 */
public final class ModelArtifacts {
  public static final String MODEL = Warehouse.ARTIFACT_MODEL;
  public static final String CONFIG = Warehouse.ARTIFACT_CONFIG;
  private final Configuration conf;

  public ModelArtifacts(Configuration conf) {
    this.conf = conf;
  }

  public void saveModel(PipelineModel model, String artifact) {
    try {
      model.write().overwrite().save(Warehouse.artifactModel(artifact));
    } catch (IOException e) {
      throw SparkErrors.cannotSaveModel(artifact, e);
    }
  }

  public PipelineModel loadModel(String artifact) {
    return PipelineModel.load(Warehouse.artifactModel(artifact));
  }

  public void writeText(String artifact, String name, String text) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(artifact, name);
    try (OutputStream out = p.getFileSystem(conf).create(p, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw SparkErrors.cannotWriteArtifact(p, e);
    }
  }

  public String readText(String artifact, String name) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(artifact, name);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw SparkErrors.cannotReadArtifact(p, e);
    }
  }

  /** Copies the project's YAML files into the artifact. */
  public void saveConfig(Path projectDir, String artifact) {
    try (Stream<Path> files = Files.list(projectDir)) {
      for (Path f :
          files.filter(x -> x.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
        writeText(artifact, CONFIG + "/" + f.getFileName(), Files.readString(f));
      }
    } catch (IOException e) {
      throw SparkErrors.cannotCopyConfig(projectDir, e);
    }
  }

  /** Copies the artifact's configuration to a local directory (to load it as a project). */
  public Path restoreConfig(String artifact, Path localDir) {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(artifact, CONFIG);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      Files.createDirectories(localDir);
      for (var status : List.of(fs.listStatus(dir))) {
        Files.writeString(
            localDir.resolve(status.getPath().getName()),
            readText(artifact, CONFIG + "/" + status.getPath().getName()));
      }
      return localDir;
    } catch (IOException e) {
      throw SparkErrors.configNotRestored(artifact, e);
    }
  }
}
