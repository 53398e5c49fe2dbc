package dev.lakeops.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import dev.lakeops.common.features.Aggregation;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class ProjectLoaderTest {
  private static final Path EXAMPLES = Path.of("..", "conf", "examples");

  @TempDir Path tmp;

  // ---- the examples ---------------------------------------------------------------------

  @Test
  void loadsElec2() {
    ProjectConfig p = ProjectLoader.load(EXAMPLES.resolve("elec2"));

    assertThat(p.name()).isEqualTo("elec2");
    assertThat(p.featureViews()).containsOnlyKeys("market_prices", "market_demand");
    SourceConfig src = p.sources().get("elec2_readings");
    assertThat(src.entity()).isEqualTo("market");
    assertThat(src.eventTime())
        .isEqualTo(
            new EventTime.FromRowIndex(
                Instant.parse("1996-05-07T00:00:00Z"), Duration.ofMinutes(30)));
    FeatureSpec mean = p.featureViews().get("market_prices").feature("nswprice_mean_24h").get();
    assertThat(mean.aggregation()).isEqualTo(Aggregation.MEAN);
    assertThat(mean.window()).isEqualTo(Duration.ofHours(24));
    assertThat(p.featureViews().get("market_prices").maxWindow()).isEqualTo(Duration.ofDays(7));

    TrainingSetConfig set = p.trainingSets().get("price_direction");
    assertThat(set.label()).isEqualTo("price_up");
    assertThat(set.features())
        .containsExactly(
            new TrainingSetConfig.FeatureRef("market_prices", null),
            new TrainingSetConfig.FeatureRef("market_demand", null));
    assertThat(p.labels().get("price_up").value()).isNotNull();
    assertFeaturesMatchYaml(p, EXAMPLES.resolve("elec2"));
  }

  @Test
  void loadsCdnow() {
    ProjectConfig p = ProjectLoader.load(EXAMPLES.resolve("cdnow"));

    SourceConfig purchases = p.sources().get("purchases");
    assertThat(purchases.format()).isEqualTo(SourceFormat.CSV);
    assertThat(purchases.delimiter()).isEqualTo("whitespace");
    assertThat(purchases.header()).isTrue();
    assertThat(purchases.keys().get(0).text()).isEqualTo("customer_id");
    assertThat(purchases.eventTime()).isEqualTo(new EventTime.FromColumn("date", "yyyyMMdd", null));
    assertThat(purchases.columnNames())
        .containsExactly("customer_id", "date", "number_of_cds", "dollar_value");
    assertThat(p.featureViews()).containsOnlyKeys("customer_purchases", "customer_spend");
    assertThat(p.labels().get("buys_again_90d").nextEventWithin()).isEqualTo(Duration.ofDays(90));
    assertThat(p.trainingSets().get("repeat_purchase").label()).isEqualTo("buys_again_90d");
    assertFeaturesMatchYaml(p, EXAMPLES.resolve("cdnow"));
  }

  /** Every feature of feature_views.yaml is loaded, in order, under its view. */
  private static void assertFeaturesMatchYaml(ProjectConfig p, Path dir) {
    Map<String, List<String>> yaml = new LinkedHashMap<>();
    try (Reader r = Files.newBufferedReader(dir.resolve("feature_views.yaml"))) {
      Map<String, List<Map<String, Object>>> root = new Yaml().load(r);
      for (Map<String, Object> view : root.get("feature_views")) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> features = (List<Map<String, Object>>) view.get("features");
        yaml.put(
            (String) view.get("name"), features.stream().map(f -> (String) f.get("name")).toList());
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    assertThat(yaml).isNotEmpty();
    Map<String, List<String>> loaded = new LinkedHashMap<>();
    p.featureViews()
        .forEach(
            (name, v) -> loaded.put(name, v.features().stream().map(FeatureSpec::name).toList()));
    assertThat(loaded).containsExactlyEntriesOf(yaml);
  }

  // ---- broken projects ------------------------------------------------------------------

  @Test
  void unknownColumnInAFeatureExpression() throws IOException {
    Path dir = copy("elec2");
    edit(dir, "feature_views.yaml", "expr: nswprice - vicprice", "expr: nswprice - vicprise");

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p =
        problemAt(
            e,
            "feature_views.yaml",
            "feature_views[0].features[6].expr",
            lineOf(dir, "feature_views.yaml", "vicprise"));
    assertThat(p.problem())
        .isEqualTo(
            "unknown column 'vicprise'; known columns are [class, date, day, nswdemand,"
                + " nswprice, period, transfer, vicdemand, vicprice].");
    assertThat(p.fix()).contains("declare 'vicprise' in the source schema");
  }

  @Test
  void aTimestampColumnIsReadThroughItsDateParts() throws IOException {
    Path dir = copy("elec2");
    edit(
        dir,
        "sources.yaml",
        "{name: date, type: double, nullable: false, min: 0, max: 1}",
        "{name: date, type: timestamp, nullable: false}");
    edit(dir, "feature_views.yaml", "expr: period}", "expr: hour(date)}");
    edit(dir, "feature_views.yaml", "expr: day}", "expr: day_of_week(date)}");

    FeatureSpec hour =
        ProjectLoader.load(dir).featureViews().get("market_prices").feature("time_of_day").get();
    assertThat(hour.exprType()).isEqualTo(dev.lakeops.common.expr.ExprType.NUMBER);

    edit(dir, "feature_views.yaml", "expr: hour(date)}", "expr: date}");
    edit(
        dir,
        "feature_views.yaml",
        "{name: price_spread, expr: nswprice - vicprice}",
        "{name: price_spread, expr: \"regexp_extract(class, '(U', 1)\"}");
    ConfigException e = loadFails(dir);
    assertThat(e.problems())
        .extracting(ConfigProblem::problem)
        .containsExactly(
            "regexp_extract()'s pattern '(U' is not a valid regular expression: Unclosed group"
                + " near index 2.",
            "column 'date' is a date or timestamp; an expression reads it only through hour(),"
                + " day_of_week(), day_of_month(), month() or year().");
  }

  @Test
  void badWindowShowsTheAcceptedForms() throws IOException {
    Path dir = copy("elec2");
    edit(
        dir,
        "feature_views.yaml",
        "{name: nswprice_mean_24h, agg: mean, expr: nswprice, window: 24h}",
        "{name: nswprice_mean_24h, agg: mean, expr: nswprice, window: 24x}");

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p =
        problemAt(
            e,
            "feature_views.yaml",
            "feature_views[0].features[1].window",
            lineOf(dir, "feature_views.yaml", "window: 24x"));
    assertThat(p.problem())
        .isEqualTo(
            "'24x' is not a duration; expected a whole number followed by s, m, h or d (or ms),"
                + " such as 30m, 24h, 7d or 90d.");
    assertThat(p.fix()).isEqualTo("write e.g. 24h or 7d.");
  }

  @Test
  void trainingSetReferringToAMissingView() throws IOException {
    Path dir = copy("elec2");
    edit(dir, "training_sets.yaml", "market_demand]", "market_demnd]");

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = problemAt(e, "training_sets.yaml", "training_sets[0].features[1]", 4);
    assertThat(p.problem())
        .isEqualTo(
            "unknown feature view 'market_demnd'; known views are [market_prices, market_demand].");
    assertThat(p.fix()).isEqualTo("declare it in feature_views.yaml or use a known one.");
  }

  @Test
  void unknownAggregation() throws IOException {
    Path dir = copy("cdnow");
    edit(dir, "feature_views.yaml", "{name: cds_90d, agg: sum,", "{name: cds_90d, agg: total,");

    ConfigException e = loadFails(dir);

    ConfigProblem p = problemAt(e, "feature_views.yaml", "feature_views[0].features[3].agg", 10);
    assertThat(p.problem())
        .isEqualTo(
            "unknown aggregation 'total'; expected one of"
                + " [count, sum, mean, min, max, stddev, last].");
    assertThat(p.fix()).startsWith("use one of the accepted aggregations");
  }

  @Test
  void unknownFieldListsTheAcceptedFields() throws IOException {
    Path dir = copy("elec2");
    edit(dir, "feature_views.yaml", "expr: nswprice, window: 7d}", "expr: nswprice, windw: 7d}");

    ConfigException e = loadFails(dir);

    ConfigProblem p =
        problemAt(
            e,
            "feature_views.yaml",
            "feature_views[0].features[2].windw",
            lineOf(dir, "feature_views.yaml", "windw: 7d"));
    assertThat(p.problem())
        .isEqualTo(
            "unknown field 'windw'; accepted fields here are"
                + " [name, agg, expr, filter, window, description, derived].");
    assertThat(p.fix()).isEqualTo("rename or remove it.");
    // The aggregation still lacks its window, and that is reported in the same run.
    assertThat(e.problems())
        .anySatisfy(
            q -> {
              assertThat(q.field()).isEqualTo("feature_views[0].features[2].window");
              assertThat(q.problem()).startsWith("missing required field");
            });
  }

  @Test
  void derivedFeatureReadsOnlyEarlierFeatures() throws IOException {
    Path dir = copy("elec2");
    // vicprice is a source column, not a feature; nswprice_std_1h is a feature declared later.
    edit(
        dir,
        "feature_views.yaml",
        "      - {name: price_spread, expr: nswprice - vicprice}\n",
        "      - {name: price_spread, expr: nswprice - vicprice}\n"
            + "      - {name: vs_vic, derived: nswprice - vicprice}\n"
            + "      - {name: vs_later, derived: nswprice_std_1h / 2}\n");

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(2);
    ConfigProblem vic =
        problemAt(
            e,
            "feature_views.yaml",
            "feature_views[0].features[7].derived",
            lineOf(dir, "feature_views.yaml", "vs_vic"));
    assertThat(vic.problem())
        .isEqualTo(
            "'vicprice' is not a feature declared before this one in the view; a derived feature"
                + " reads only those: [nswprice, nswprice_mean_24h, nswprice_mean_7d,"
                + " nswprice_std_24h, nswprice_max_24h, nswprice_min_24h, price_spread].");
    assertThat(vic.fix()).contains("{name: vicprice, expr: vicprice}");
    ConfigProblem later =
        problemAt(
            e,
            "feature_views.yaml",
            "feature_views[0].features[8].derived",
            lineOf(dir, "feature_views.yaml", "vs_later"));
    assertThat(later.problem()).startsWith("'nswprice_std_1h' is not a feature declared before");
  }

  @Test
  void derivedFeatureHasNoAggregationAndIsNotFirst() throws IOException {
    Path dir = copy("elec2");
    edit(
        dir,
        "feature_views.yaml",
        "      - {name: nswprice, expr: nswprice}\n",
        "      - {name: first, derived: \"1 + 1\"}\n"
            + "      - {name: nswprice, expr: nswprice}\n"
            + "      - {name: doubled, derived: nswprice * 2, agg: mean, window: 1h}\n");

    ConfigException e = loadFails(dir);

    ConfigProblem first =
        problemAt(
            e,
            "feature_views.yaml",
            "feature_views[0].features[0].derived",
            lineOf(dir, "feature_views.yaml", "name: first"));
    assertThat(first.problem()).contains("none is");
    assertThat(first.fix()).isEqualTo("move it after the features its expression names.");
    ConfigProblem agg =
        problemAt(
            e,
            "feature_views.yaml",
            "feature_views[0].features[2].agg",
            lineOf(dir, "feature_views.yaml", "name: doubled"));
    assertThat(agg.problem()).contains("it has no 'agg'");
    problemAt(
        e,
        "feature_views.yaml",
        "feature_views[0].features[2].window",
        lineOf(dir, "feature_views.yaml", "name: doubled"));
    assertThat(e.problems()).hasSize(3);
  }

  @Test
  void derivedFeaturesLoadWithTheirInferredType() throws IOException {
    Path dir = copy("elec2");
    edit(
        dir,
        "feature_views.yaml",
        "      - {name: price_spread, expr: nswprice - vicprice}\n",
        "      - {name: price_spread, expr: nswprice - vicprice}\n"
            + "      - {name: above_mean, derived: \"nswprice > nswprice_mean_24h\"}\n"
            + "      - {name: spread_ratio, derived: price_spread / nswprice}\n");

    ProjectConfig p = ProjectLoader.load(dir);

    FeatureSpec above = p.featureViews().get("market_prices").features().get(7);
    assertThat(above.name()).isEqualTo("above_mean");
    assertThat(above.derived()).isTrue();
    assertThat(above.outputType()).isEqualTo(FeatureSpec.FeatureType.BOOLEAN);
    FeatureSpec ratio = p.featureViews().get("market_prices").features().get(8);
    assertThat(ratio.derived()).isTrue();
    assertThat(ratio.outputType()).isEqualTo(FeatureSpec.FeatureType.DOUBLE);
  }

  @Test
  void missingRequiredFile() throws IOException {
    Path dir = copy("cdnow");
    Files.delete(dir.resolve("entities.yaml"));

    ConfigException e = loadFails(dir);

    ConfigProblem p = e.problems().get(0);
    assertThat(p.file()).endsWith("entities.yaml");
    assertThat(p.field()).isEmpty();
    assertThat(p.problem()).isEqualTo("the file is missing.");
    assertThat(p.fix()).isEqualTo("create it; see conf/examples/elec2/entities.yaml.");
    assertThat(e.getMessage()).contains("entities.yaml").contains("the file is missing.");
  }

  @Test
  void missingOptionalFilesAreFine() throws IOException {
    Path dir = copy("cdnow");
    Files.delete(dir.resolve("labels.yaml"));
    Files.delete(dir.resolve("training_sets.yaml"));
    Files.delete(dir.resolve("models.yaml"));
    Files.delete(dir.resolve("pipelines.yaml")); // it names the model

    ProjectConfig p = ProjectLoader.load(dir);

    assertThat(p.labels()).isEmpty();
    assertThat(p.trainingSets()).isEmpty();
    assertThat(p.models()).isEmpty();
    assertThat(p.featureViews()).hasSize(2);
  }

  @Test
  void invalidYamlNamesTheLine() throws IOException {
    Path dir = copy("elec2");
    edit(dir, "training_sets.yaml", "label: price_up", "label: price_up: yes");

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = problemAt(e, "training_sets.yaml", "", 3);
    assertThat(p.problem()).startsWith("not valid YAML: ").contains("mapping values");
    assertThat(p.fix()).isEqualTo("fix the YAML syntax on that line.");
    assertThat(e.getMessage()).contains("training_sets.yaml:3");
  }

  @Test
  void viewEntityMustBeItsSourceEntity() throws IOException {
    Path dir = copy("elec2");
    Files.writeString(
        dir.resolve("entities.yaml"),
        "  - name: region\n    key: region_id\n",
        java.nio.file.StandardOpenOption.APPEND);
    edit(
        dir,
        "feature_views.yaml",
        "name: market_demand\n    entity: market",
        "name: market_demand\n    entity: region");

    ConfigException e = loadFails(dir);

    ConfigProblem p =
        problemAt(
            e,
            "feature_views.yaml",
            "feature_views[1].entity",
            lineOf(dir, "feature_views.yaml", "entity: region"));
    assertThat(p.problem())
        .isEqualTo(
            "the view's entity is 'region' but the rows of its source 'elec2_readings' carry"
                + " the keys of [market] only.");
    assertThat(p.fix())
        .isEqualTo("use one of [market], or add 'region' to the source's 'entities'.");
  }

  @Test
  void reportsEveryProblemInOneException() throws IOException {
    Path dir = copy("elec2");
    edit(dir, "feature_views.yaml", "expr: nswprice - vicprice", "expr: nswprice - vicprise");
    edit(
        dir,
        "feature_views.yaml",
        "{name: nswprice_mean_24h, agg: mean, expr: nswprice, window: 24h}",
        "{name: nswprice_mean_24h, agg: mean, expr: nswprice, window: 24x}");
    edit(dir, "training_sets.yaml", "market_demand]", "market_demnd]");

    ConfigException e = loadFails(dir);

    assertThat(e.problems())
        .extracting(ConfigProblem::field)
        .containsExactlyInAnyOrder(
            "feature_views[0].features[1].window",
            "feature_views[0].features[6].expr",
            "training_sets[0].features[1]");
    assertThat(e.getMessage()).startsWith("Invalid configuration (3 problems):");
    for (ConfigProblem p : e.problems()) {
      assertThat(e.getMessage()).contains(p.toString());
    }
  }

  // ---- one mistake, one problem (no follow-on "unknown ..." for what a problem broke) -------

  @Test
  void badIndentInSourcesIsReportedOnce() throws IOException {
    Path dir = copy("cdnow");
    // Views, the label and the training set all refer to the one source of this file.
    edit(dir, "sources.yaml", "\n    format: csv", "\n      format: csv");

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    ConfigProblem p = problemAt(e, "sources.yaml", "", 3);
    assertThat(p.problem()).startsWith("not valid YAML: ");
  }

  @Test
  void brokenSourceEntryIsReportedOnceNotAtEachReference() throws IOException {
    Path dir = copy("cdnow");
    edit(dir, "sources.yaml", "format: csv", "format: xls");

    ConfigException e = loadFails(dir);

    // Not at the two views' and the label's 'source', nor the training set's label and views.
    assertThat(e.problems()).extracting(ConfigProblem::field).containsExactly("sources[0].format");
  }

  @Test
  void sectionThatIsNotAListIsReportedOnce() throws IOException {
    Path dir = copy("cdnow");
    Files.writeString(dir.resolve("sources.yaml"), "sources: purchases\n");

    ConfigException e = loadFails(dir);

    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).problem()).startsWith("expected a list");
  }

  @Test
  void aTypoIsStillReportedNextToABrokenEntry() throws IOException {
    Path dir = copy("cdnow");
    edit(dir, "sources.yaml", "format: csv", "format: xls");
    edit(
        dir,
        "feature_views.yaml",
        "name: customer_spend\n    entity: customer\n    source: purchases",
        "name: customer_spend\n    entity: customer\n    source: purchase");

    ConfigException e = loadFails(dir);

    // 'purchase' is declared nowhere: that is its own mistake. The training set's reference to
    // the view it broke is not reported again.
    assertThat(e.problems())
        .extracting(ConfigProblem::field)
        .containsExactly("sources[0].format", "feature_views[1].source");
    assertThat(e.problems().get(1).problem()).isEqualTo("unknown source 'purchase'; known are [].");
  }

  // ---- helpers --------------------------------------------------------------------------

  private Path copy(String example) throws IOException {
    Path dir = tmp.resolve(example);
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(EXAMPLES.resolve(example))) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName().toString()));
      }
    }
    return dir;
  }

  private static void edit(Path dir, String file, String from, String to) throws IOException {
    Path f = dir.resolve(file);
    String text = Files.readString(f);
    assertThat(text).as("text to replace in %s", file).contains(from);
    Files.writeString(f, text.replace(from, to));
  }

  private static ConfigException loadFails(Path dir) {
    return assertThrows(ConfigException.class, () -> ProjectLoader.load(dir));
  }

  /** The one problem at {@code field}, checked to be in {@code file} at {@code line}. */
  private static ConfigProblem problemAt(ConfigException e, String file, String field, int line) {
    List<ConfigProblem> at = e.problems().stream().filter(p -> p.field().equals(field)).toList();
    assertThat(at).as("problems at '%s' in %s", field, e.getMessage()).hasSize(1);
    ConfigProblem p = at.get(0);
    assertThat(p.file()).endsWith(file);
    assertThat(p.line()).isEqualTo(line);
    assertThat(e.getMessage()).contains(p.problem()).contains("Fix: " + p.fix());
    return p;
  }

  /** The 1-based number of the first line of {@code file} that contains {@code text}. */
  private static int lineOf(Path dir, String file, String text) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve(file));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " is not in " + file);
  }
}
