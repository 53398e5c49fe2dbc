package dev.lakeops.flink.demo;

import dev.lakeops.common.cli.Human;
import dev.lakeops.common.monitoring.performance.PerformanceAccumulator;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The demo's closing lines: the prequential figures, the retrainings and the report's path. */
final class Summary {
  private Summary() {}

  static void print(
      PrintStream out,
      LoopFigures f,
      int requested,
      long deadLettered,
      long monitorDeadLettered,
      int triggers,
      List<Loop.Retraining> retrainings,
      String report,
      Map<String, Long> waited,
      long elapsedMillis) {
    long promoted = retrainings.stream().filter(r -> r.version() > 0).count();
    out.println();
    out.printf(
        "Prequential figures over %s (the labels of %s; %s dead-lettered by serving):%n",
        Human.count(f.judged(), "prediction"),
        Human.count(requested, "request"),
        Human.count(deadLettered, "request"));
    out.printf("  %-34s %9s %9s %15s%n", "", "accuracy", "kappa", "kappa-temporal");
    row(out, "(a) the loop (retrained on triggers)", f.loop());
    row(out, "(b) the first model, never retrained", f.firstModel());
    row(out, "(c) no-change (the previous label)", f.noChange());
    out.printf("  predictions per version: %s%n", f.byVersion());
    out.printf(
        "  the monitoring job dead-lettered %s (late predictions, unreadable label lines)%n",
        Human.count(monitorDeadLettered, "record"));
    out.printf(
        "%s, %s (%d promoted, %d kept the champion or failed):%n",
        Human.count(triggers, "trigger"),
        Human.count(retrainings.size(), "retraining"),
        promoted,
        retrainings.size() - promoted);
    for (Loop.Retraining r : retrainings) {
      out.printf(
          "  trigger %s %-16s run %-8s -> %s%n",
          Loop.shortId(r.triggerId()),
          r.rule(),
          Human.elapsed(r.run().toMillis()),
          r.version() > 0
              ? "version "
                  + r.version()
                  + (r.triggerToServe() == null
                      ? " (no prediction by it)"
                      : ", trigger to its first prediction "
                          + Human.elapsed(r.triggerToServe().toMillis()))
              : r.exitCode() != null && r.exitCode() == 3
                  ? "the gate kept the champion"
                  : "failed (exit " + r.exitCode() + ")");
    }
    out.printf("report: %s%n", report);
    out.printf(
        "demo done in %s; the replay waited for %s%n", Human.elapsed(elapsedMillis), waits(waited));
  }

  /** "retrainings 5 min 02 s, the online store 1 min 10 s, ...": the longest first. */
  static String waits(Map<String, Long> waited) {
    return waited.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> e.getKey() + " " + Human.elapsed(e.getValue() / 1_000_000))
        .collect(Collectors.joining(", "));
  }

  private static void row(PrintStream out, String name, PerformanceAccumulator a) {
    out.printf(
        Locale.ROOT,
        "  %-34s %9.4f %9.4f %15.4f%n",
        name,
        a.accuracy(),
        a.kappa(),
        a.kappaTemporal());
  }
}
