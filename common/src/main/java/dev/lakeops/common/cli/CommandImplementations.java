package dev.lakeops.common.cli;

import java.util.Map;

/**
 * What one engine's jar implements of {@link MlopsCommand}'s tree: a handler per command class.
 * Each engine jar lists its implementation in {@code
 * META-INF/services/dev.lakeops.common.cli.CommandImplementations}; {@link Cli#main} finds it with
 * {@link java.util.ServiceLoader}, so the same entry point serves both jars (Spark and Flink never
 * share a classpath). Commands without a handler in this jar are named as the other engine's.
 */
public interface CommandImplementations {
  /** The engine of this jar. */
  Engine engine();

  /**
   * The handlers, keyed by the command classes of {@link MlopsCommand} (e.g. {@code
   * MlopsCommand.Serve.class}).
   */
  Map<Class<?>, CommandHandler> handlers();
}
