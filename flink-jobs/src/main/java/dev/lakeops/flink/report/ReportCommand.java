package dev.lakeops.flink.report;

import dev.lakeops.common.cli.CliArgs;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.config.ProjectLoader;
import dev.lakeops.common.warehouse.Warehouse;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.delta.KernelTables;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * {@code mlops report --project P --model M [--out file]}: writes the model's monitoring page
 * ({@link ReportPage}) from its tables ({@link MonitoringTables}), read with Delta Kernel in this
 * JVM (no Flink cluster starts). A table that does not exist yet is named on the page and in the
 * output, and the page is still written. The last line printed is the page's path.
 *
 * <p>Exit codes ({@link dev.lakeops.common.cli.CliFailures}): 0 written; 2 the command line or the
 * project is wrong (an unknown model names the models of {@code models.yaml}); 1 reading or writing
 * failed.
 */
public final class ReportCommand {
  private final PrintStream out;
  private final Clock clock;

  public ReportCommand(PrintStream out) {
    this(out, Clock.systemUTC());
  }

  ReportCommand(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  /** Runs the parsed command line; returns 0 once the page is written. */
  public int execute(CliArgs a) throws IOException {
    ProjectConfig project = ProjectLoader.load(a.project());
    String model = a.required("--model", "name");
    if (!project.models().containsKey(model)) {
      throw FlinkErrors.unknownModel(project, model);
    }
    Warehouse warehouse = Warehouse.of(a.warehouse(), project);
    Path target =
        a.option("--out").map(ReportCommand::localPath).orElse(defaultPath(warehouse, model));
    ReportPage.Data data = read(new MonitoringTables(warehouse, new KernelTables()), model);
    for (String problem : data.problems()) {
      out.println("report: " + problem + " (the page says so in its place)");
    }
    write(target, ReportPage.render(data, PlotLibrary.uplot()));
    out.printf(
        "report: %d drift rows, %d performance rows, %d triggers, %d registered versions%n",
        data.drift().list().size(),
        data.performance().list().size(),
        data.triggers().list().size(),
        data.versions().list().size());
    out.println(target.toAbsolutePath());
    return 0;
  }

  /** Reads everything the page shows of {@code model}. */
  ReportPage.Data read(MonitoringTables tables, String model) {
    return new ReportPage.Data(
        model,
        tables.database(),
        clock.instant(),
        tables.drift(model),
        tables.performance(model),
        tables.triggers(model),
        tables.versions(model));
  }

  /** {@code <warehouse>/<database>/reports/<model>.html} when the warehouse is local. */
  static Path defaultPath(Warehouse warehouse, String model) {
    return localPath(warehouse.report(model));
  }

  private static Path localPath(String location) {
    if (location.startsWith("file:")) {
      return Path.of(URI.create(location));
    }
    if (location.contains("://")) {
      throw FlinkErrors.reportNotLocal(location);
    }
    return Path.of(location);
  }

  static void write(Path target, String html) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".report", ".html");
    Files.writeString(tmp, html, StandardCharsets.UTF_8);
    Files.move(
        tmp,
        target,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
