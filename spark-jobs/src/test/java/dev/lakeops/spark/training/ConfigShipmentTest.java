package dev.lakeops.spark.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.ColumnType;
import dev.lakeops.common.config.FeatureSpec;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.expr.ExprParser;
import dev.lakeops.common.expr.ExprType;
import dev.lakeops.common.features.Aggregation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Config records survive Java serialization (what Spark does to a task) through the shipment. */
class ConfigShipmentTest {

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(ConfigShipment<T> s) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return ((ConfigShipment<T>) in.readObject()).get();
    }
  }

  @Test
  void viewsAndSourcesComeBackEqual() throws Exception {
    List<FeatureViewConfig> views =
        List.of(
            new FeatureViewConfig(
                "v",
                "e",
                "s",
                Duration.ofDays(1),
                Arrays.asList(
                    new FeatureSpec(
                        "n",
                        Aggregation.COUNT,
                        null,
                        ExprParser.parse("x > 1 and c == 'p'"),
                        Duration.ofHours(1),
                        ExprType.NUMBER),
                    new FeatureSpec(
                        "m",
                        null,
                        ExprParser.parse("least(sqrt(x - 100), 0)"),
                        null,
                        null,
                        ExprType.NUMBER))));
    assertThat(roundTrip(new ConfigShipment<>(views))).isEqualTo(views);
    SourceConfig source =
        PointInTimeJoinIT.source(
            "s",
            List.of(
                new ColumnSpec("k", ColumnType.STRING, false, null, 3.5, List.of("a", "b")),
                PointInTimeJoinIT.column("d", ColumnType.DATE)));
    assertThat(roundTrip(new ConfigShipment<>(source))).isEqualTo(source);
  }

  @Test
  void somethingItCannotCarryFailsWhenShipped() {
    assertThatThrownBy(() -> new ConfigShipment<>(List.of(new Object())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
  }
}
