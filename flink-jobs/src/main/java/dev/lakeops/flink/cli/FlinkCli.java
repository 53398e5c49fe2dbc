package dev.lakeops.flink.cli;

import dev.lakeops.common.cli.Cli;
import dev.lakeops.common.cli.CliArgs.UsageException;
import dev.lakeops.common.cli.CommandHandler;
import dev.lakeops.common.cli.CommandImplementations;
import dev.lakeops.common.cli.Engine;
import dev.lakeops.common.cli.MlopsCommand;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.pipeline.PipelineCommand;
import dev.lakeops.flink.report.ReportCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The Flink side of {@code mlops}: the implementations of the Flink commands ({@code online-store},
 * {@code online-store get}, {@code serve}, {@code monitor}, {@code scheduler}, {@code pipeline},
 * ...) of the one command tree ({@link MlopsCommand}, in {@code common}), run through the one entry
 * point ({@link Cli}). {@code submit/mlops} sends these commands here (the Spark commands go to the
 * Spark jobs), and {@code flink run} uses this class as the job jar's main class on a cluster.
 * {@code mlops --help} lists every command, the Spark ones too; a Spark command here is named as
 * such (exit 2).
 */
public final class FlinkCli implements CommandImplementations {
  /** The file Flink 2's loader reads from a configuration directory. */
  static final String FLINK_CONFIG_FILE = GlobalConfiguration.FLINK_CONF_FILENAME;

  private final PrintStream out;
  private final PrintStream err;

  /** Prints to {@code System.out}/{@code System.err} (the {@link java.util.ServiceLoader} form). */
  public FlinkCli() {
    this(System.out, System.err);
  }

  FlinkCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a whole {@code mlops} command line; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return Cli.run(args, out, err, Engine.FLINK, new FlinkCli(out, err).handlers());
  }

  @Override
  public Engine engine() {
    return Engine.FLINK;
  }

  @Override
  public Map<Class<?>, CommandHandler> handlers() {
    OnlineStoreCommand onlineStore = new OnlineStoreCommand(out, err);
    PipelineCommand pipeline = new PipelineCommand(out);
    return Map.ofEntries(
        Map.entry(MlopsCommand.OnlineStore.class, onlineStore::runJob),
        Map.entry(MlopsCommand.OnlineStore.Get.class, onlineStore::get),
        Map.entry(MlopsCommand.Serve.class, new ServeCommand(out, err)::execute),
        Map.entry(
            MlopsCommand.Scheduler.class,
            new dev.lakeops.flink.scheduler.SchedulerCommand(out)::execute),
        Map.entry(MlopsCommand.Monitor.class, new MonitorCommand(out)::execute),
        Map.entry(MlopsCommand.Report.class, new ReportCommand(out)::execute),
        Map.entry(MlopsCommand.Pipeline.class, pipeline::group),
        Map.entry(MlopsCommand.Pipeline.Run.class, pipeline::run),
        Map.entry(MlopsCommand.Pipeline.Resume.class, pipeline::resume),
        Map.entry(MlopsCommand.Pipeline.Status.class, pipeline::status),
        Map.entry(MlopsCommand.Pipeline.ExportDatabricks.class, pipeline::exportDatabricks),
        Map.entry(MlopsCommand.Demo.class, new dev.lakeops.flink.demo.DemoCommand(out)::execute));
  }

  /**
   * Reads {@code --flink-conf} with Flink's own loader ({@link
   * GlobalConfiguration#loadConfiguration(String)}, which reads Flink 2's {@code config.yaml},
   * nested or flat): a configuration directory, or a YAML file of any name (read as that
   * directory's {@code config.yaml}).
   *
   * @return the settings as Flink's keys and values, e.g. {@code restart-strategy.type ->
   *     fixed-delay}
   * @throws UsageException when a directory holds no {@code config.yaml}
   */
  static Map<String, String> flinkConf(String command, Path dirOrFile) throws IOException {
    Path dir = dirOrFile;
    Path copy = null;
    if (Files.isRegularFile(dirOrFile)) {
      if (dirOrFile.getFileName().toString().equals(FLINK_CONFIG_FILE)) {
        dir = dirOrFile.getParent();
      } else { // the loader reads <dir>/config.yaml only
        copy = Files.createTempDirectory("lakeops-flink-conf");
        Files.copy(dirOrFile, copy.resolve(FLINK_CONFIG_FILE));
        dir = copy;
      }
    } else if (!Files.isRegularFile(dirOrFile.resolve(FLINK_CONFIG_FILE))) {
      throw FlinkErrors.noFlinkConfig(command, dirOrFile.toString(), FLINK_CONFIG_FILE);
    }
    try {
      Configuration c = GlobalConfiguration.loadConfiguration(dir.toString());
      return new LinkedHashMap<>(c.toMap());
    } finally {
      if (copy != null) {
        Files.deleteIfExists(copy.resolve(FLINK_CONFIG_FILE));
        Files.deleteIfExists(copy);
      }
    }
  }
}
