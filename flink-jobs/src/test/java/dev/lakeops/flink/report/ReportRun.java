package dev.lakeops.flink.report;

import dev.lakeops.common.cli.Cli;
import dev.lakeops.common.cli.Engine;
import dev.lakeops.common.cli.MlopsCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One {@code mlops report ...} run through the command tree: exit code, output lines, errors. */
record ReportRun(int code, List<String> out, String err) {
  /** The example project whose models.yaml names {@link KnownReport#MODEL}. */
  static final Path ELEC2 = Path.of("").toAbsolutePath().getParent().resolve("conf/examples/elec2");

  /** {@code report --project <elec2> --model <model> --warehouse <warehouse> <more...>}. */
  static ReportRun elec2(String model, Path warehouse, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("report", "--project", ELEC2.toString()));
    args.addAll(List.of("--model", model, "--warehouse", warehouse.toString()));
    args.addAll(List.of(more));
    return of(args.toArray(String[]::new));
  }

  static ReportRun of(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code =
        Cli.run(
            args,
            o,
            e,
            Engine.FLINK,
            Map.of(MlopsCommand.Report.class, new ReportCommand(o)::execute));
    return new ReportRun(
        code,
        out.toString(StandardCharsets.UTF_8).lines().toList(),
        err.toString(StandardCharsets.UTF_8));
  }

  /** The last line printed: the page's path. */
  String lastLine() {
    return out.get(out.size() - 1);
  }
}
