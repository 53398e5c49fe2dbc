package dev.lakeops.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --sizes}: the {@code features} full refresh and the {@code training-set} build side by
 * side at several input sizes, then one table per benchmark of each side's median time, its cost
 * per input row and that cost relative to the smallest size (at most about 1.0 all along: the time
 * grows no worse than linearly), with each side's peak heap.
 */
final class SizeCurves {
  private SizeCurves() {}

  /** One size's outcome. */
  private record Point(long rows, Outcome outcome) {}

  /** Runs the curves the command asks for; returns the summary tables' lines. */
  static List<String> run(SparkSession spark, Benchmarks.Options o) throws Exception {
    boolean features = o.command().equals("features") || o.command().equals("all");
    boolean trainingSet = o.command().equals("training-set") || o.command().equals("all");
    List<Point> f = new ArrayList<>();
    List<Point> t = new ArrayList<>();
    for (long rows : o.sizes()) {
      Benchmarks.Options at =
          new Benchmarks.Options(
              o.command(),
              rows,
              (int) Math.max(1, Math.min(Integer.MAX_VALUE, rows / 10)),
              o.rounds(),
              o.workDir().resolve("rows-" + rows),
              o.tempWorkDir(),
              o.keep(),
              o.fullCheck(),
              o.algorithm(),
              o.split(),
              List.of());
      System.out.printf("%n== %,d rows ==%n", rows);
      if (features) {
        f.add(new Point(rows, new FeaturePipelineBenchmark(spark, at).fullRefresh()));
      }
      if (trainingSet) {
        t.add(new Point(rows, new TrainingSetBenchmark(spark, at).measure()));
      }
      if (!o.keep()) { // the next size's data need the disk more
        Benchmarks.deleteRecursively(at.workDir());
      }
    }
    List<String> out = new ArrayList<>();
    if (features) {
      out.addAll(table("features (full refresh)", "bare Spark", f));
    }
    if (trainingSet) {
      out.addAll(table("training-set", "naive join", t));
    }
    return out;
  }

  private static List<String> table(String name, String baselineName, List<Point> points) {
    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "%s size curve: median of %d rounds per size; µs/row = time / rows; x = µs/row over"
                + " the smallest size's [load %s]",
            name,
            points.get(0).outcome().result().ours().size(),
            FeaturePipelineBenchmark.loadAverage()));
    out.add(
        String.format(
            Locale.ROOT,
            "  %11s | %8s %7s %5s %9s | %8s %7s %5s %9s | %5s",
            "rows",
            "ours s",
            "µs/row",
            "x",
            "heap MiB",
            "bare s",
            "µs/row",
            "x",
            "heap MiB",
            "ratio"));
    double firstOurs = 0;
    double firstBare = 0;
    for (Point p : points) {
      Benchmarks.Result r = p.outcome().result();
      double ours = Benchmarks.median(r.ours());
      double bare = Benchmarks.median(r.baseline());
      double ourCost = ours * 1e6 / p.rows();
      double bareCost = bare * 1e6 / p.rows();
      if (firstOurs == 0) {
        firstOurs = ourCost;
        firstBare = bareCost;
      }
      out.add(
          String.format(
              Locale.ROOT,
              "  %,11d | %8.1f %7.2f %5.2f %,9d | %8.1f %7.2f %5.2f %,9d | %5.2f",
              p.rows(),
              ours,
              ourCost,
              ourCost / firstOurs,
              p.outcome().ours().maxMiB(),
              bare,
              bareCost,
              bareCost / firstBare,
              p.outcome().bare().maxMiB(),
              r.ratio()));
    }
    out.add("  (" + baselineName + ": the right-hand columns)");
    return out;
  }
}
