package dev.lakeops.common.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.training.ReferenceProfile.ColumnProfile;
import dev.lakeops.common.types.ColumnType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Signatures, reference profiles and specs survive a trip through JSON unchanged. */
class TrainingArtifactsJsonTest {

  @Test
  void signatureRoundTrip() {
    Signature s =
        new Signature(
            Task.CLASSIFICATION,
            List.of(
                new Signature.Field("spend_90d", ColumnType.DOUBLE),
                new Signature.Field("purchases_30d", ColumnType.LONG),
                new Signature.Field("segment", ColumnType.STRING, true)),
            new Signature.Field("label", ColumnType.DOUBLE),
            List.of(
                new Signature.Field("prediction", ColumnType.DOUBLE),
                new Signature.Field("probability", ColumnType.VECTOR),
                new Signature.Field("rawPrediction", ColumnType.VECTOR)),
            2);

    String json = s.toJson();
    Signature back = Signature.fromJson(json);

    assertThat(back).isEqualTo(s);
    assertThat(back.inputNames()).containsExactly("spend_90d", "purchases_30d", "segment");
    assertThat(back.input("segment").get().categorical()).isTrue();
    assertThat(json).contains("\"spend_90d\"").contains("\"CLASSIFICATION\"");
  }

  /** A signature.json as registered before the types were an enum (strings, Spark's names). */
  private static final String OLD_SIGNATURE =
      """
      {
        "task" : "CLASSIFICATION",
        "inputs" : [ {
          "name" : "spend_90d",
          "type" : "double",
          "categorical" : false
        }, {
          "name" : "purchases_30d",
          "type" : "long",
          "categorical" : false
        }, {
          "name" : "cds",
          "type" : "integer",
          "categorical" : false
        }, {
          "name" : "price",
          "type" : "decimal(10,2)",
          "categorical" : false
        }, {
          "name" : "segment",
          "type" : "string",
          "categorical" : true
        }, {
          "name" : "member",
          "type" : "boolean",
          "categorical" : false
        } ],
        "label" : {
          "name" : "label",
          "type" : "double",
          "categorical" : false
        },
        "outputs" : [ {
          "name" : "prediction",
          "type" : "double",
          "categorical" : false
        }, {
          "name" : "probability",
          "type" : "vector",
          "categorical" : false
        } ],
        "numClasses" : 2
      }
      """;

  @Test
  void signatureWrittenWithStringTypesStillLoads() {
    Signature s = Signature.fromJson(OLD_SIGNATURE);

    assertThat(s.inputs())
        .extracting(Signature.Field::type)
        .containsExactly(
            ColumnType.DOUBLE,
            ColumnType.LONG,
            ColumnType.INT,
            ColumnType.DOUBLE, // a decimal is read by the model as a double
            ColumnType.STRING,
            ColumnType.BOOLEAN);
    assertThat(s.input("segment").get().categorical()).isTrue();
    assertThat(s.outputs().get(1).type()).isEqualTo(ColumnType.VECTOR);
    assertThat(s.numClasses()).isEqualTo(2);
  }

  @Test
  void signatureTypesAreWrittenByTheirOldNames() {
    // Written now, the same signature reads back equal and names its types as before, so a
    // serving job of an earlier version reads new artifacts too.
    Signature s = Signature.fromJson(OLD_SIGNATURE);
    String json = s.toJson();

    assertThat(Signature.fromJson(json)).isEqualTo(s);
    for (String name : List.of("double", "long", "integer", "string", "boolean", "vector")) {
      assertThat(json).contains("\"type\" : \"" + name + "\"");
    }
    assertThat(json).doesNotContain("\"INT\"").doesNotContain("\"int\"");
  }

  @Test
  void unknownSignatureTypeNamesTheTypeAndVectorIsNoSourceType() {
    LakeOpsException e =
        assertThrows(
            LakeOpsException.class,
            () -> Signature.fromJson(OLD_SIGNATURE.replace("\"boolean\"", "\"map<string,int>\"")));
    assertThat(e).hasMessageContaining("map<string,int>");
    assertThat(ColumnType.parse("vector")).isEmpty();
    assertThat(ColumnType.keys()).doesNotContain("vector");
  }

  @Test
  void referenceProfileRoundTripKeepsEveryDigitAndTheValueOrder() {
    List<Double> quantiles = new ArrayList<>();
    for (int i = 0; i < ReferenceProfile.QUANTILES; i++) {
      quantiles.add(Math.PI * i / 7.0 + 1e-13 * i);
    }
    Map<String, Long> freq = new LinkedHashMap<>();
    freq.put("zeta", 40L);
    freq.put("alpha", 30L);
    freq.put("other", 5L); // a real value named "other" is kept apart from otherCount
    Map<String, ColumnProfile> columns = new LinkedHashMap<>();
    columns.put(
        "spend_90d",
        ColumnProfile.numeric(100, 3, 12.345678901234567, 0.1 + 0.2, -1e-300, 1e300, quantiles));
    columns.put("segment", ColumnProfile.categorical(100, 1, freq, 24, 9));
    columns.put("empty", ColumnProfile.numeric(100, 100, null, null, null, null, List.of()));
    ReferenceProfile p = new ReferenceProfile(100, true, columns);

    ReferenceProfile back = ReferenceProfile.fromJson(p.toJson());

    assertThat(back).isEqualTo(p);
    assertThat(back.columns().keySet()).containsExactly("spend_90d", "segment", "empty");
    ColumnProfile seg = back.column("segment").get();
    assertThat(seg.frequencies().keySet()).containsExactly("zeta", "alpha", "other");
    assertThat(seg.share("zeta")).isEqualTo(40 / 99.0);
    ColumnProfile spend = back.column("spend_90d").get();
    assertThat(spend.quantile(100)).isEqualTo(quantiles.get(100));
    assertThat(spend.stddev()).isEqualTo(0.1 + 0.2);
    assertThat(back.column("empty").get().mean()).isNull();
  }

  @Test
  void modelSpecRoundTrip() {
    ModelSpec spec =
        ModelSpec.builder("m", Task.CLASSIFICATION, Algorithm.RANDOM_FOREST)
            .keyColumn("customer_id")
            .features(List.of("a", "b", "c"))
            .categorical(List.of("c"))
            .param("numTrees", 20)
            .param("subsamplingRate", 0.8)
            .param("bootstrap", true)
            .param("featureSubsetStrategy", "sqrt")
            .grid("maxDepth", List.of(3, 5))
            .split(new ModelSpec.Split(ModelSpec.SplitMethod.RANDOM, 0.25, 7))
            .build();

    ModelSpec back = TrainingJson.read(TrainingJson.write(spec), ModelSpec.class);

    assertThat(back).isEqualTo(spec);
    assertThat(back.params().get("numTrees")).isInstanceOf(Integer.class);
    assertThat(back.grid().get("maxDepth")).containsExactly(3, 5);
    assertThat(back.tuning()).isEqualTo(ModelSpec.Tuning.defaults(Task.CLASSIFICATION));
    assertThat(back.numericFeatures()).containsExactly("a", "b");
  }

  @Test
  void damagedJsonIsAClearError() {
    LakeOpsException e =
        assertThrows(LakeOpsException.class, () -> ReferenceProfile.fromJson("{\"rows\": [}"));
    assertThat(e.getMessage()).startsWith("Cannot read a ReferenceProfile from JSON: ");
  }

  @Test
  void metricsKnowTheirDirectionAndTheGateUsesIt() {
    assertThat(Metric.keys(Task.CLASSIFICATION))
        .containsExactly("auc_roc", "auc_pr", "accuracy", "log_loss", "f1");
    assertThat(Metric.keys(Task.REGRESSION)).containsExactly("rmse", "mae", "r2");
    assertThat(Metric.LOG_LOSS.higherIsBetter()).isFalse();
    assertThat(Metric.RMSE.improvement(2.0, 1.5)).isEqualTo(0.5);
    assertThat(new ModelSpec.Gate(Metric.AUC_ROC, 0.01).passes(0.80, 0.805)).isFalse();
    assertThat(new ModelSpec.Gate(Metric.AUC_ROC, 0.01).passes(0.80, 0.82)).isTrue();
    assertThat(new ModelSpec.Gate(Metric.MAE, 0.0).passes(1.0, 1.0)).isTrue();
  }

  @Test
  void paramsAreTypedAndRanged() {
    ParamDef maxIter = Algorithm.GBT.param(Task.CLASSIFICATION, "maxIter").orElseThrow();
    assertThat(maxIter.parse("20").value()).isEqualTo(20);
    assertThat(maxIter.parse("2.5").error())
        .isEqualTo("maxIter expects an integer >= 0, got '2.5'.");
    ParamDef fss =
        Algorithm.RANDOM_FOREST.param(Task.REGRESSION, "featureSubsetStrategy").orElseThrow();
    assertThat(fss.parse("0.5").value()).isEqualTo("0.5");
    assertThat(fss.parse("7").value()).isEqualTo("7");
    assertThat(fss.parse("most").error()).startsWith("featureSubsetStrategy must be one of [auto");
    assertThat(Algorithm.LOGISTIC_REGRESSION.param(Task.CLASSIFICATION, "fitIntercept"))
        .map(p -> p.parse("yes").error())
        .contains("fitIntercept expects true or false, got 'yes'.");
    assertThat(Algorithm.GBT.paramNames(Task.REGRESSION)).doesNotContain("impurity");
    assertThat(Algorithm.LINEAR_REGRESSION.supports(Task.CLASSIFICATION)).isFalse();
  }
}
