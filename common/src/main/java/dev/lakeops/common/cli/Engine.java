package dev.lakeops.common.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The engine whose jar implements a command. Spark and Flink never share a runtime classpath, so
 * each command of {@link MlopsCommand}'s tree runs in one engine's jar; {@code submit/mlops} picks
 * the jar by the command's name.
 */
public enum Engine {
  /** The Spark jobs ({@code spark-jobs}). */
  SPARK("Spark"),
  /** The Flink jobs ({@code flink-jobs}). */
  FLINK("Flink"),
  /** Either jar (help, shell completion): no engine code runs. */
  ANY("any");

  private final String title;

  Engine(String title) {
    this.title = title;
  }

  /** The engine's name as users read it: Spark, Flink. */
  public String title() {
    return title;
  }

  /** Marks a command class of the tree with the engine that runs it. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  public @interface RunsOn {
    Engine value();
  }
}
