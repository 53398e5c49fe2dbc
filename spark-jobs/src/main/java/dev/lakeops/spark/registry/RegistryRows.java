package dev.lakeops.spark.registry;

import dev.lakeops.common.registry.Lineage;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.registry.Transition;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** Converts registry versions to and from rows of the registry's Delta table. */
final class RegistryRows {
  private static final DataType STRING_MAP =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  static final StructType TRANSITION =
      new StructType()
          .add("id", DataTypes.StringType)
          .add("version", DataTypes.IntegerType)
          .add("kind", DataTypes.StringType)
          .add("from_stage", DataTypes.StringType)
          .add("to_stage", DataTypes.StringType)
          .add("by", DataTypes.StringType)
          .add("at", DataTypes.TimestampType)
          .add("reason", DataTypes.StringType)
          .add("details", STRING_MAP);

  static final StructType LINEAGE =
      new StructType()
          .add("run_id", DataTypes.StringType)
          .add("training_set", DataTypes.StringType)
          .add("inputs", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
          .add("code_version", DataTypes.StringType)
          .add("config_hash", DataTypes.StringType);

  static final StructType SCHEMA =
      new StructType()
          .add("model", DataTypes.StringType, false)
          .add("version", DataTypes.IntegerType, false)
          .add("stage", DataTypes.StringType, false)
          .add("epoch", DataTypes.LongType, false)
          .add("artifact", DataTypes.StringType)
          .add("created_at", DataTypes.TimestampType)
          .add("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
          .add("params", STRING_MAP)
          .add("signature", DataTypes.StringType)
          .add("profile", DataTypes.StringType)
          .add("lineage", LINEAGE)
          .add("history", DataTypes.createArrayType(TRANSITION));

  private RegistryRows() {}

  static Row toRow(ModelVersion v, long epoch) {
    Lineage l = v.lineage();
    List<Row> history = new ArrayList<>();
    for (Transition t : v.history()) {
      history.add(
          RowFactory.create(
              t.id(),
              t.version(),
              t.kind(),
              t.from().key(),
              t.to().key(),
              t.by(),
              Timestamp.from(t.at()),
              t.reason(),
              CollectionConverters.asScala(t.details())));
    }
    return RowFactory.create(
        v.model(),
        v.version(),
        v.stage().key(),
        epoch,
        v.artifact(),
        Timestamp.from(v.createdAt()),
        CollectionConverters.asScala(v.metrics()),
        CollectionConverters.asScala(v.params()),
        v.signature(),
        v.profile(),
        RowFactory.create(
            l.runId(),
            l.trainingSet(),
            CollectionConverters.asScala(l.inputs()),
            l.codeVersion(),
            l.configHash()),
        CollectionConverters.asScala(history).toSeq());
  }

  static ModelVersion fromRow(Row r) {
    Row l = r.getAs("lineage");
    List<Transition> history = new ArrayList<>();
    for (Row t : r.<Row>getList(r.fieldIndex("history"))) {
      history.add(
          new Transition(
              t.getAs("id"),
              t.<Integer>getAs("version"),
              t.getAs("kind"),
              stage(t.getAs("from_stage")),
              stage(t.getAs("to_stage")),
              t.getAs("by"),
              t.<Timestamp>getAs("at").toInstant(),
              t.getAs("reason"),
              t.<String, String>getJavaMap(t.fieldIndex("details"))));
    }
    return new ModelVersion(
        r.getAs("model"),
        r.<Integer>getAs("version"),
        r.getAs("artifact"),
        r.<Timestamp>getAs("created_at").toInstant(),
        stage(r.getAs("stage")),
        Map.copyOf(r.<String, Double>getJavaMap(r.fieldIndex("metrics"))),
        Map.copyOf(r.<String, String>getJavaMap(r.fieldIndex("params"))),
        r.getAs("signature"),
        r.getAs("profile"),
        new Lineage(
            l.getAs("run_id"),
            l.getAs("training_set"),
            Map.copyOf(l.<String, Long>getJavaMap(l.fieldIndex("inputs"))),
            l.getAs("code_version"),
            l.getAs("config_hash")),
        List.copyOf(history));
  }

  private static Stage stage(String s) {
    return Stage.parse(s).orElseThrow();
  }
}
