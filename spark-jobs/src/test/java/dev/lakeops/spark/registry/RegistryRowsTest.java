package dev.lakeops.spark.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.registry.RegistryColumns;
import java.util.List;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The registry table Spark writes has the columns {@link RegistryColumns} names (which the Flink
 * side's reader asks for), written out here by hand so that a renamed constant fails too. No Spark
 * session: the schema is a plain value.
 */
class RegistryRowsTest {
  @Test
  void theTableHasTheSharedColumnsInOrder() {
    List<String> expected =
        List.of(
            "model",
            "version",
            "stage",
            "epoch",
            "artifact",
            "created_at",
            "metrics",
            "params",
            "signature",
            "profile",
            "lineage",
            "history");
    assertThat(RegistryColumns.ALL).isEqualTo(expected);
    assertThat(RegistryRows.SCHEMA.fieldNames()).containsExactlyElementsOf(expected);
  }

  @Test
  void theNestedLineageAndTransitionFields() {
    StructType lineage = (StructType) RegistryRows.SCHEMA.apply(RegistryColumns.LINEAGE).dataType();
    assertThat(lineage.fieldNames())
        .containsExactly("run_id", "training_set", "inputs", "code_version", "config_hash");
    StructType transition =
        (StructType)
            ((ArrayType) RegistryRows.SCHEMA.apply(RegistryColumns.HISTORY).dataType())
                .elementType();
    assertThat(transition.fieldNames())
        .containsExactly(
            "id", "version", "kind", "from_stage", "to_stage", "by", "at", "reason", "details");
  }
}
