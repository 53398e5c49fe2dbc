package dev.lakeops.flink.report;

import dev.lakeops.common.monitoring.Statistic;
import dev.lakeops.flink.report.MonitoringTables.StageChange;
import dev.lakeops.flink.report.MonitoringTables.StatisticRow;
import dev.lakeops.flink.report.MonitoringTables.Table;
import dev.lakeops.flink.report.MonitoringTables.TriggerRow;
import dev.lakeops.flink.report.MonitoringTables.VersionRow;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The report's HTML page of one model, built from its monitoring tables: static, one file, opening
 * offline (the plotting library's script and stylesheet are inlined, the data is a JSON element).
 *
 * <p>Plots, all over window end (UTC) on the x axis: one per drift statistic with a line per
 * feature; live accuracy against the no-change classifier's accuracy; kappa and kappa-temporal
 * against the no-change baseline (kappa-temporal 0); one per other performance statistic; and the
 * model version that scored each window. Every plot carries vertical markers at the triggers (their
 * window's end, dashed red) and at promotions to production (dotted green). Tables: the latest
 * window's breaches, the triggers, the registered versions. A legend shows each line's value in the
 * latest window until the cursor points elsewhere.
 *
 * <p>When two versions scored one window (a hot swap within it), a line shows the newer version's
 * value. NaN and infinite values are gaps. Every string from the tables is escaped ({@link Html}).
 */
public final class ReportPage {
  /** Line colours (Tableau 10 without the markers' red and green and the baseline's grey). */
  static final List<String> PALETTE =
      List.of(
          "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#393b79");

  static final String TRIGGER_COLOR = "#d62728";
  static final String PROMOTION_COLOR = "#2ca02c";
  static final String BASELINE_COLOR = "#7f7f7f";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /**
   * What the page shows.
   *
   * @param model the model's name (user text, escaped on the page)
   * @param database the project's catalog database
   * @param generatedAt when the page was made
   */
  public record Data(
      String model,
      String database,
      Instant generatedAt,
      Table<StatisticRow> drift,
      Table<StatisticRow> performance,
      Table<TriggerRow> triggers,
      Table<VersionRow> versions) {

    /**
     * Why tables were not read (missing or unreadable), one line each, for the command's output.
     */
    public List<String> problems() {
      List<String> out = new ArrayList<>();
      for (Table<?> t : List.of(drift, performance, triggers, versions)) {
        t.problem().ifPresent(out::add);
      }
      return out;
    }
  }

  /**
   * One line of a plot.
   *
   * @param values one per x, null for a gap
   */
  record Series(String label, List<Double> values, String color, boolean dashed, boolean stepped) {}

  /**
   * One plot.
   *
   * @param x window ends, epoch seconds, ascending
   * @param integer whether the y axis counts (model versions): whole-number ticks
   */
  record Plot(
      String section,
      String title,
      String note,
      List<Long> x,
      List<Series> series,
      boolean integer) {}

  /**
   * A vertical marker drawn on every plot.
   *
   * @param x epoch seconds
   * @param kind {@code trigger} or {@code promotion}
   */
  record Marker(double x, String kind, String label) {}

  private ReportPage() {}

  /** The whole page. */
  public static String render(Data d, PlotLibrary library) {
    List<Plot> plots = new ArrayList<>();
    List<Plot> drift = driftPlots(d.drift().list());
    List<Plot> performance = performancePlots(d.performance().list());
    Optional<Plot> versions = versionPlot(d.drift().list(), d.performance().list());
    plots.addAll(drift);
    plots.addAll(performance);
    versions.ifPresent(plots::add);
    List<StatisticRow> all = new ArrayList<>(d.drift().list());
    all.addAll(d.performance().list());
    List<Marker> markers = markers(d.triggers().list(), d.versions().list(), all);

    StringBuilder h = new StringBuilder(library.script().length() + 32_000);
    String model = Html.escape(d.model());
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>LakeOps monitoring report: ")
        .append(model)
        .append("</title>\n<style>\n")
        .append(library.css())
        .append("\n</style>\n<style>\n")
        .append(CSS)
        .append(
            "</style>\n</head>\n<body>\n<header>\n<h1>Monitoring report: <span class=\"model\">")
        .append(model)
        .append("</span></h1>\n<p>Database <code>")
        .append(Html.escape(d.database()))
        .append("</code>; generated ")
        .append(TIME.format(d.generatedAt()))
        .append(" UTC")
        .append(windowSpan(d))
        .append(".</p>\n<p class=\"key\">Vertical markers: <span style=\"color:")
        .append(TRIGGER_COLOR)
        .append(
            "\">dashed red</span> a retraining trigger (at its window's end),"
                + " <span style=\"color:")
        .append(PROMOTION_COLOR)
        .append(
            "\">dotted green</span> a version promoted to production, where it began to serve."
                + " Legends show the latest"
                + " window's values; point at a plot for another window's.</p>\n</header>\n");

    int index = 0;
    h.append("<section id=\"drift\">\n<h2>Drift statistics per feature</h2>\n");
    index = figures(h, d.drift(), drift, index, "drift statistics");
    h.append("</section>\n<section id=\"performance\">\n<h2>Live accuracy</h2>\n");
    index = figures(h, d.performance(), performance, index, "performance statistics");
    h.append("</section>\n<section id=\"versions\">\n<h2>Model versions in service</h2>\n");
    if (versions.isPresent()) {
      index = figures(h, d.drift(), List.of(versions.get()), index, "windows");
    } else {
      h.append("<p class=\"missing\">No monitored window yet, so no version in service to show")
          .append(problemsOf(d.drift(), d.performance()))
          .append(".</p>\n");
    }
    versionTable(h, d.versions());
    h.append("</section>\n<section id=\"breaches\">\n<h2>Breaches in the latest window</h2>\n");
    breachTable(h, d);
    h.append("</section>\n<section id=\"triggers\">\n<h2>Triggers</h2>\n");
    triggerTable(h, d.triggers());
    h.append("</section>\n<footer>Plots drawn by ")
        .append(Html.escape(library.name()))
        .append(" (inlined; the page needs no network).</footer>\n");

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("plots", plots);
    json.put("markers", markers);
    json.put("colors", Map.of("trigger", TRIGGER_COLOR, "promotion", PROMOTION_COLOR));
    h.append("<script id=\"report-data\" type=\"application/json\">")
        .append(Html.scriptJson(json))
        .append("</script>\n<script>\n")
        .append(library.script())
        .append("\n</script>\n<script>\n")
        .append(SCRIPT)
        .append("</script>\n</body>\n</html>\n");
    return h.toString();
  }

  // ------------------------------------------------------------------ plots

  /**
   * One plot per drift statistic (in {@link Statistic}'s order, unknown keys after), a line per
   * feature.
   */
  static List<Plot> driftPlots(List<StatisticRow> rows) {
    Map<String, List<StatisticRow>> byStatistic = groupByStatistic(rows);
    List<Plot> plots = new ArrayList<>();
    for (Map.Entry<String, List<StatisticRow>> e : byStatistic.entrySet()) {
      List<StatisticRow> rs = e.getValue();
      List<Long> x = xs(rs);
      List<String> features =
          rs.stream()
              .map(r -> r.feature() == null ? "(none)" : r.feature())
              .distinct()
              .sorted(
                  Comparator.comparing((String f) -> f.equals("prediction")).thenComparing(f -> f))
              .toList();
      List<Series> series = new ArrayList<>();
      for (int i = 0; i < features.size(); i++) {
        String f = features.get(i);
        List<StatisticRow> mine =
            rs.stream()
                .filter(r -> f.equals(r.feature() == null ? "(none)" : r.feature()))
                .toList();
        series.add(
            new Series(
                f, values(x, mine), PALETTE.get(i % PALETTE.size()), i >= PALETTE.size(), false));
      }
      plots.add(new Plot("drift", e.getKey(), describe(e.getKey()), x, series, false));
    }
    return plots;
  }

  /**
   * Accuracy against the no-change classifier's, kappa and kappa-temporal against the no-change
   * baseline (kappa-temporal 0 is exactly as good as predicting the previous label), then one plot
   * per other performance statistic.
   */
  static List<Plot> performancePlots(List<StatisticRow> rows) {
    Map<String, List<StatisticRow>> byStatistic = groupByStatistic(rows);
    List<Plot> plots = new ArrayList<>();
    List<Long> all = xs(rows);
    String acc = Statistic.ACCURACY.key();
    String accNoChange = Statistic.ACCURACY_NO_CHANGE.key();
    String kappa = Statistic.KAPPA.key();
    String kappaTemporal = Statistic.KAPPA_TEMPORAL.key();
    if (byStatistic.containsKey(acc) || byStatistic.containsKey(accNoChange)) {
      List<Series> s = new ArrayList<>();
      if (byStatistic.containsKey(acc)) {
        s.add(new Series(acc, values(all, byStatistic.get(acc)), PALETTE.get(0), false, false));
      }
      if (byStatistic.containsKey(accNoChange)) {
        s.add(
            new Series(
                "no-change baseline (" + accNoChange + ")",
                values(all, byStatistic.get(accNoChange)),
                BASELINE_COLOR,
                true,
                false));
      }
      plots.add(
          new Plot(
              "performance",
              "accuracy against the no-change baseline",
              "the share of labelled predictions that were right, and that of predicting the"
                  + " previous label",
              all,
              s,
              false));
    }
    if (byStatistic.containsKey(kappa) || byStatistic.containsKey(kappaTemporal)) {
      List<Series> s = new ArrayList<>();
      if (byStatistic.containsKey(kappaTemporal)) {
        s.add(
            new Series(
                kappaTemporal,
                values(all, byStatistic.get(kappaTemporal)),
                PALETTE.get(0),
                false,
                false));
      }
      if (byStatistic.containsKey(kappa)) {
        s.add(new Series(kappa, values(all, byStatistic.get(kappa)), PALETTE.get(1), false, false));
      }
      List<Double> zeros = all.stream().map(t -> 0.0).toList();
      s.add(new Series("no-change baseline (0)", zeros, BASELINE_COLOR, true, false));
      plots.add(
          new Plot(
              "performance",
              "kappa-temporal against the no-change baseline",
              "kappa-temporal = (acc − acc_nochange) / (1 − acc_nochange): above 0 beats"
                  + " predicting the previous label",
              all,
              s,
              false));
    }
    for (Map.Entry<String, List<StatisticRow>> e : byStatistic.entrySet()) {
      String k = e.getKey();
      if (k.equals(acc) || k.equals(accNoChange) || k.equals(kappa) || k.equals(kappaTemporal)) {
        continue;
      }
      List<Long> x = xs(e.getValue());
      plots.add(
          new Plot(
              "performance",
              k,
              describe(k),
              x,
              List.of(new Series(k, values(x, e.getValue()), PALETTE.get(0), false, false)),
              false));
    }
    return plots;
  }

  /**
   * The version that scored each window (the newest when two did), as steps; empty with no window.
   */
  static Optional<Plot> versionPlot(List<StatisticRow> drift, List<StatisticRow> performance) {
    TreeMap<Long, Integer> version = new TreeMap<>();
    for (List<StatisticRow> rows : List.of(drift, performance)) {
      for (StatisticRow r : rows) {
        version.merge(seconds(r.windowEndMicros()), r.modelVersion(), Math::max);
      }
    }
    if (version.isEmpty()) {
      return Optional.empty();
    }
    List<Long> x = new ArrayList<>(version.keySet());
    List<Double> y = version.values().stream().map(Integer::doubleValue).toList();
    return Optional.of(
        new Plot(
            "versions",
            "model version in service",
            "the registry version that scored each window's predictions",
            x,
            List.of(new Series("model version", y, PALETTE.get(0), false, true)),
            true));
  }

  /**
   * Trigger markers (at their window's end) and promotion markers. The plots' x axis is event time,
   * so a promoted version is marked where it began to serve in event time: the start of its first
   * window in {@code rows}; a version with no window yet is marked at its promotion's wall time
   * (the same axis for a live stream, not for a replay or backfill).
   */
  static List<Marker> markers(
      List<TriggerRow> triggers, List<VersionRow> versions, List<StatisticRow> rows) {
    Map<Integer, Long> firstWindow = new HashMap<>();
    for (StatisticRow r : rows) {
      firstWindow.merge(r.modelVersion(), r.windowStartMicros(), Math::min);
    }
    List<Marker> out = new ArrayList<>();
    for (TriggerRow t : triggers) {
      out.add(
          new Marker(
              t.atMicros() / 1e6,
              "trigger",
              t.rule() + (t.modelVersion() == null ? "" : " (version " + t.modelVersion() + ")")));
    }
    for (VersionRow v : versions) {
      for (StageChange c : v.changes()) {
        if ("production".equalsIgnoreCase(c.toStage())) {
          Long served = firstWindow.get(v.version());
          out.add(
              new Marker(
                  (served != null ? served : c.atMicros()) / 1e6,
                  "promotion",
                  "version " + v.version() + (served != null ? " in service" : " promoted")));
        }
      }
    }
    out.sort(Comparator.comparingDouble(Marker::x));
    return out;
  }

  private static Map<String, List<StatisticRow>> groupByStatistic(List<StatisticRow> rows) {
    Map<String, List<StatisticRow>> grouped =
        rows.stream().collect(Collectors.groupingBy(StatisticRow::statistic));
    Map<String, List<StatisticRow>> ordered = new LinkedHashMap<>();
    grouped.keySet().stream()
        .sorted(
            Comparator.comparingInt(
                    (String k) -> Statistic.byKey(k).map(Enum::ordinal).orElse(Integer.MAX_VALUE))
                .thenComparing(Function.identity()))
        .forEach(k -> ordered.put(k, grouped.get(k)));
    return ordered;
  }

  private static List<Long> xs(List<StatisticRow> rows) {
    return new ArrayList<>(
        rows.stream()
            .map(r -> seconds(r.windowEndMicros()))
            .collect(Collectors.toCollection(TreeSet::new)));
  }

  /** The value at each x: the newest version's row of that window, null for none or non-finite. */
  private static List<Double> values(List<Long> x, List<StatisticRow> rows) {
    Map<Long, StatisticRow> at = new LinkedHashMap<>();
    for (StatisticRow r : rows) {
      at.merge(
          seconds(r.windowEndMicros()), r, (a, b) -> b.modelVersion() >= a.modelVersion() ? b : a);
    }
    List<Double> out = new ArrayList<>(x.size());
    for (Long t : x) {
      StatisticRow r = at.get(t);
      out.add(r == null || !Double.isFinite(r.value()) ? null : r.value());
    }
    return out;
  }

  private static long seconds(long micros) {
    return Math.floorDiv(micros, 1_000_000L);
  }

  private static String describe(String key) {
    return Statistic.byKey(key)
        .map(s -> s.breachedAbove() ? "higher is worse" : "lower is worse")
        .orElse("a statistic this report does not know");
  }

  // ------------------------------------------------------------------ HTML

  private static int figures(
      StringBuilder h, Table<StatisticRow> table, List<Plot> plots, int index, String what) {
    if (table.problem().isPresent() && plots.isEmpty()) {
      notShown(h, table, "Not shown");
      return index;
    }
    if (plots.isEmpty()) {
      h.append("<p class=\"missing\" data-table=\"")
          .append(Html.escape(table.ref().name()))
          .append("\">No ")
          .append(what)
          .append(" in ")
          .append(Html.escape(table.ref().name()))
          .append(" yet.</p>\n");
      return index;
    }
    for (Plot p : plots) {
      h.append("<figure class=\"plot\" id=\"plot-")
          .append(index)
          .append("\" data-section=\"")
          .append(p.section())
          .append("\" data-title=\"")
          .append(Html.escape(p.title()))
          .append("\">\n<figcaption><b>")
          .append(Html.escape(p.title()))
          .append("</b> <span class=\"note\">")
          .append(Html.escape(p.note()))
          .append("</span></figcaption>\n<div class=\"chart\" data-plot=\"")
          .append(index)
          .append("\"></div>\n</figure>\n");
      index++;
    }
    return index;
  }

  /** The paragraph standing in for what a table that was not read would show. */
  private static void notShown(StringBuilder h, Table<?> table, String prefix) {
    h.append("<p class=\"missing\" data-table=\"")
        .append(Html.escape(table.ref().name()))
        .append("\">")
        .append(prefix)
        .append(": ")
        .append(Html.escape(table.problem().orElse("")))
        .append(".</p>\n");
  }

  private static String problemsOf(Table<?>... tables) {
    List<String> ps = new ArrayList<>();
    for (Table<?> t : tables) {
      t.problem().ifPresent(ps::add);
    }
    return ps.isEmpty() ? "" : " (" + Html.escape(String.join("; ", ps)) + ")";
  }

  private static void breachTable(StringBuilder h, Data d) {
    List<StatisticRow> all = new ArrayList<>(d.drift().list());
    all.addAll(d.performance().list());
    if (all.isEmpty()) {
      h.append("<p class=\"missing\">No monitored window yet")
          .append(problemsOf(d.drift(), d.performance()))
          .append(".</p>\n");
      return;
    }
    long latest = all.stream().mapToLong(StatisticRow::windowEndMicros).max().orElseThrow();
    List<StatisticRow> breached =
        all.stream()
            .filter(r -> r.windowEndMicros() == latest && r.breached())
            .sorted(
                Comparator.comparing((StatisticRow r) -> r.feature() == null ? "" : r.feature())
                    .thenComparing(StatisticRow::statistic)
                    .thenComparingInt(StatisticRow::modelVersion))
            .toList();
    long start =
        all.stream()
            .filter(r -> r.windowEndMicros() == latest)
            .mapToLong(StatisticRow::windowStartMicros)
            .min()
            .orElseThrow();
    String window = time(start) + " – " + time(latest);
    if (breached.isEmpty()) {
      h.append("<p class=\"none\">No statistic breached its rule in the latest window (")
          .append(window)
          .append(" UTC).</p>\n");
      return;
    }
    h.append("<p>Window ").append(window).append(" UTC.</p>\n");
    h.append(
        "<table id=\"breach-table\">\n<thead><tr><th>feature</th><th>statistic</th><th>value</th>"
            + "<th>threshold</th><th>rule</th><th>version</th><th>rows</th></tr></thead>\n<tbody>\n");
    for (StatisticRow r : breached) {
      h.append("<tr><td>")
          .append(Html.escape(r.feature() == null ? "" : r.feature()))
          .append("</td><td>")
          .append(Html.escape(r.statistic()))
          .append("</td><td class=\"num\">")
          .append(number(r.value()))
          .append("</td><td class=\"num\">")
          .append(r.threshold() == null ? "" : number(r.threshold()))
          .append("</td><td>")
          .append(Html.escape(r.rule()))
          .append("</td><td class=\"num\">")
          .append(r.modelVersion())
          .append("</td><td class=\"num\">")
          .append(r.rows())
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static void triggerTable(StringBuilder h, Table<TriggerRow> table) {
    if (table.problem().isPresent()) {
      notShown(h, table, "Not shown");
      return;
    }
    if (table.list().isEmpty()) {
      h.append("<p class=\"none\">No trigger raised for this model.</p>\n");
      return;
    }
    h.append(
        "<table id=\"trigger-table\">\n<thead><tr><th>window end (UTC)</th><th>raised (UTC)</th>"
            + "<th>rule</th><th>reason</th><th>version</th><th>feature</th><th>statistic</th>"
            + "<th>value</th><th>threshold</th><th>trigger id</th></tr></thead>\n<tbody>\n");
    List<TriggerRow> newestFirst = new ArrayList<>(table.list());
    java.util.Collections.reverse(newestFirst);
    for (TriggerRow t : newestFirst) {
      h.append("<tr><td>")
          .append(t.windowEndMicros() == null ? "" : time(t.windowEndMicros()))
          .append("</td><td>")
          .append(time(t.raisedAtMicros()))
          .append("</td><td>")
          .append(Html.escape(t.rule()))
          .append("</td><td>")
          .append(Html.escape(t.reason()))
          .append("</td><td class=\"num\">")
          .append(t.modelVersion() == null ? "" : t.modelVersion())
          .append("</td><td>")
          .append(Html.escape(t.feature()))
          .append("</td><td>")
          .append(Html.escape(t.statistic()))
          .append("</td><td class=\"num\">")
          .append(t.value() == null ? "" : number(t.value()))
          .append("</td><td class=\"num\">")
          .append(t.threshold() == null ? "" : number(t.threshold()))
          .append("</td><td><code>")
          .append(Html.escape(abbreviate(t.triggerId())))
          .append("</code></td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static void versionTable(StringBuilder h, Table<VersionRow> table) {
    if (table.problem().isPresent()) {
      notShown(h, table, "Registry not shown");
      return;
    }
    if (table.list().isEmpty()) {
      h.append("<p class=\"none\">No version of this model is registered.</p>\n");
      return;
    }
    h.append(
        "<table id=\"version-table\">\n<thead><tr><th>version</th><th>stage</th>"
            + "<th>registered (UTC)</th><th>promoted to production (UTC)</th></tr></thead>\n"
            + "<tbody>\n");
    for (VersionRow v : table.list()) {
      String promoted =
          v.changes().stream()
              .filter(c -> "production".equalsIgnoreCase(c.toStage()))
              .map(c -> time(c.atMicros()))
              .collect(Collectors.joining(", "));
      h.append("<tr><td class=\"num\">")
          .append(v.version())
          .append("</td><td>")
          .append(Html.escape(v.stage()))
          .append("</td><td>")
          .append(v.createdAtMicros() == null ? "" : time(v.createdAtMicros()))
          .append("</td><td>")
          .append(promoted)
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static String windowSpan(Data d) {
    List<StatisticRow> all = new ArrayList<>(d.drift().list());
    all.addAll(d.performance().list());
    if (all.isEmpty()) {
      return "";
    }
    long first = all.stream().mapToLong(StatisticRow::windowStartMicros).min().orElseThrow();
    long last = all.stream().mapToLong(StatisticRow::windowEndMicros).max().orElseThrow();
    return "; windows from " + time(first) + " to " + time(last) + " UTC";
  }

  /**
   * A value as the page shows it (tables and legends alike): 4 significant digits without trailing
   * zeros, e.g. {@code 0.4123}, {@code 0.2}, {@code 1235}; {@code NaN} and infinities by name.
   */
  static String number(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v == 0) {
      return "0";
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }

  private static String time(long micros) {
    return TIME.format(Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1000L)));
  }

  private static String abbreviate(String id) {
    return id == null || id.length() <= 12 ? id : id.substring(0, 12) + "…";
  }

  private static final String CSS =
      """
      body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px;
             padding: 0 1em; color: #222; background: #fff; }
      h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em;
             border-bottom: 1px solid #ddd; }
      figure.plot { margin: 1em 0; }
      figcaption { margin-bottom: .3em; } .note { color: #666; font-size: .9em; }
      .chart { width: 100%; min-height: 300px; }
      .missing { padding: .8em; background: #fff6e0; border: 1px solid #e6c66e; }
      .none { color: #555; }
      table { border-collapse: collapse; margin: .6em 0; }
      th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; }
      footer { margin-top: 2em; color: #777; font-size: .85em; }
      """;

  /** Draws the plots from the JSON element with uPlot; strings reach the DOM as text only. */
  private static final String SCRIPT =
      """
      (function () {
        'use strict';
        var data = JSON.parse(document.getElementById('report-data').textContent);
        function fmt(v) { return v == null ? '--' : String(+v.toPrecision(4)); }
        function drawMarkers(u) {
          var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
          var min = u.scales.x.min, max = u.scales.x.max;
          ctx.save();
          ctx.lineWidth = 2 * (window.devicePixelRatio || 1);
          data.markers.forEach(function (m) {
            if (min == null || m.x < min || m.x > max) { return; }
            var px = Math.round(u.valToPos(m.x, 'x', true));
            ctx.strokeStyle = data.colors[m.kind];
            ctx.setLineDash(m.kind === 'trigger' ? [8, 5] : [2, 4]);
            ctx.beginPath();
            ctx.moveTo(px, top);
            ctx.lineTo(px, top + height);
            ctx.stroke();
          });
          ctx.restore();
        }
        // After each draw: the chart is marked drawn, with where its plotting area is on the
        // page (CSS px: left, top, width, height), for tools that check a rendering of the page.
        function drawn(u, el) {
          var r = u.over.getBoundingClientRect();
          el.setAttribute('data-plot-box', [r.left + window.scrollX, r.top + window.scrollY,
              r.width, r.height].map(Math.round).join(','));
          el.setAttribute('data-drawn', 'true');
        }
        data.plots.forEach(function (p, i) {
          var el = document.querySelector('[data-plot="' + i + '"]');
          if (!el) { return; }
          var last = p.x.length - 1;
          var series = [{ label: 'window end (UTC)' }];
          p.series.forEach(function (s) {
            var o = { label: s.label, stroke: s.color, width: 2, spanGaps: false,
                      value: function (u, v) { return fmt(v); } };
            if (s.dashed) { o.dash = [8, 4]; }
            if (s.stepped) { o.paths = uPlot.paths.stepped({ align: 1 }); }
            if (p.x.length < 2) { o.points = { show: true, size: 8 }; }
            series.push(o);
          });
          var yAxis = { size: 64 };
          if (p.integer) { yAxis.incrs = [1, 2, 5, 10, 20, 50, 100]; }
          var opts = {
            width: Math.max(400, el.clientWidth || 900),
            height: 260,
            tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
            scales: { x: { time: true } },
            series: series,
            axes: [{}, yAxis],
            hooks: {
              draw: [drawMarkers, function (u) { drawn(u, el); }],
              setCursor: [function (u) {
                if (u.cursor.idx == null && last >= 0) { u.setLegend({ idx: last }); }
              }]
            }
          };
          var u = new uPlot(opts, [p.x].concat(p.series.map(function (s) { return s.values; })), el);
          if (last >= 0) { u.setLegend({ idx: last }); }

        });
      })();
      """;
}
