package dev.lakeops.spark.registry;

import static dev.lakeops.common.registry.RegistryColumns.*;

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

/**
 * Converts registry versions to and from rows of the registry's Delta table; the columns are named
 * in {@link dev.lakeops.common.registry.RegistryColumns}, which the serving side reads by.
 */
final class RegistryRows {
  private static final DataType STRING_MAP =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);

  static final StructType TRANSITION_TYPE =
      new StructType()
          .add(TRANSITION_ID, DataTypes.StringType)
          .add(TRANSITION_VERSION, DataTypes.IntegerType)
          .add(TRANSITION_KIND, DataTypes.StringType)
          .add(TRANSITION_FROM_STAGE, DataTypes.StringType)
          .add(TRANSITION_TO_STAGE, DataTypes.StringType)
          .add(TRANSITION_BY, DataTypes.StringType)
          .add(TRANSITION_AT, DataTypes.TimestampType)
          .add(TRANSITION_REASON, DataTypes.StringType)
          .add(TRANSITION_DETAILS, STRING_MAP);

  static final StructType LINEAGE_TYPE =
      new StructType()
          .add(LINEAGE_RUN_ID, DataTypes.StringType)
          .add(LINEAGE_TRAINING_SET, DataTypes.StringType)
          .add(LINEAGE_INPUTS, DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
          .add(LINEAGE_CODE_VERSION, DataTypes.StringType)
          .add(LINEAGE_CONFIG_HASH, DataTypes.StringType);

  static final StructType SCHEMA =
      new StructType()
          .add(MODEL, DataTypes.StringType, false)
          .add(VERSION, DataTypes.IntegerType, false)
          .add(STAGE, DataTypes.StringType, false)
          .add(EPOCH, DataTypes.LongType, false)
          .add(ARTIFACT, DataTypes.StringType)
          .add(CREATED_AT, DataTypes.TimestampType)
          .add(METRICS, DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
          .add(PARAMS, STRING_MAP)
          .add(SIGNATURE, DataTypes.StringType)
          .add(PROFILE, DataTypes.StringType)
          .add(LINEAGE, LINEAGE_TYPE)
          .add(HISTORY, DataTypes.createArrayType(TRANSITION_TYPE));

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
    Row l = r.getAs(LINEAGE);
    List<Transition> history = new ArrayList<>();
    for (Row t : r.<Row>getList(r.fieldIndex(HISTORY))) {
      history.add(
          new Transition(
              t.getAs(TRANSITION_ID),
              t.<Integer>getAs(TRANSITION_VERSION),
              t.getAs(TRANSITION_KIND),
              stage(t.getAs(TRANSITION_FROM_STAGE)),
              stage(t.getAs(TRANSITION_TO_STAGE)),
              t.getAs(TRANSITION_BY),
              t.<Timestamp>getAs(TRANSITION_AT).toInstant(),
              t.getAs(TRANSITION_REASON),
              t.<String, String>getJavaMap(t.fieldIndex(TRANSITION_DETAILS))));
    }
    return new ModelVersion(
        r.getAs(MODEL),
        r.<Integer>getAs(VERSION),
        r.getAs(ARTIFACT),
        r.<Timestamp>getAs(CREATED_AT).toInstant(),
        stage(r.getAs(STAGE)),
        Map.copyOf(r.<String, Double>getJavaMap(r.fieldIndex(METRICS))),
        Map.copyOf(r.<String, String>getJavaMap(r.fieldIndex(PARAMS))),
        r.getAs(SIGNATURE),
        r.getAs(PROFILE),
        new Lineage(
            l.getAs(LINEAGE_RUN_ID),
            l.getAs(LINEAGE_TRAINING_SET),
            Map.copyOf(l.<String, Long>getJavaMap(l.fieldIndex(LINEAGE_INPUTS))),
            l.getAs(LINEAGE_CODE_VERSION),
            l.getAs(LINEAGE_CONFIG_HASH)),
        List.copyOf(history));
  }

  private static Stage stage(String s) {
    return Stage.parse(s).orElseThrow();
  }
}
