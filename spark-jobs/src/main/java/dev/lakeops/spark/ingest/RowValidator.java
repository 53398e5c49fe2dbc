package dev.lakeops.spark.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import dev.lakeops.common.config.ColumnSpec;
import dev.lakeops.common.config.ColumnType;
import dev.lakeops.common.config.EventTime;
import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.spark.expr.SparkExprs;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Applies a source's declared schema and rules to the rows read: casts each column to its type,
 * derives the entity key and the event time, and lists every rule a row breaks in {@value
 * #VIOLATIONS} (an array of {rule, reason}); an empty list means the row is clean.
 *
 * <p>Rules: {@code malformed} (the record could not be split into fields), {@code type}, {@code
 * not_null}, {@code range}, {@code allowed_values}, {@code entity_key}, {@code event_time}; the
 * pipeline adds {@code duplicate_key}.
 */
public final class RowValidator {
  public static final String VIOLATIONS = "_violations";
  public static final String EVENT_TIME = "event_time";
  private static final String IN = "_in_";

  private RowValidator() {}

  /** The rows with typed columns, entity key, {@value #EVENT_TIME} and {@value #VIOLATIONS}. */
  public static Dataset<Row> validate(SourceConfig source, String keyColumn, Dataset<Row> read) {
    List<Column> first = new ArrayList<>();
    for (ColumnSpec c : source.schema()) {
      first.add(col("`" + c.name() + "`").as(IN + c.name()));
    }
    List<Column> typed = new ArrayList<>();
    for (ColumnSpec c : source.schema()) {
      typed.add(typedValue(c, col("`" + c.name() + "`")).as(c.name()));
    }
    for (String keep : read.columns()) {
      if (source.column(keep).isEmpty()) {
        first.add(col(keep));
      }
    }
    Dataset<Row> renamed = read.select(first.toArray(Column[]::new));
    List<Column> second = new ArrayList<>();
    for (ColumnSpec c : source.schema()) {
      second.add(typedValue(c, col(IN + c.name())).as(c.name()));
    }
    for (String keep : renamed.columns()) {
      second.add(col(keep));
    }
    Dataset<Row> withTypes = renamed.select(second.toArray(Column[]::new));

    Column key = SparkExprs.toColumn(source.entityKey()).cast(DataTypes.StringType);
    Column eventTime = eventTime(source);
    Dataset<Row> out = withTypes.withColumn(keyColumn, key).withColumn(EVENT_TIME, eventTime);

    List<Column> checks = new ArrayList<>();
    Column malformed = col(SourceReader.MALFORMED);
    checks.add(
        violation(
            malformed.isNotNull(), "malformed", concat(lit("malformed record: "), malformed)));
    List<Column> rowChecks = new ArrayList<>();
    for (ColumnSpec c : source.schema()) {
      rowChecks.addAll(columnChecks(c));
    }
    rowChecks.add(
        violation(
            col(keyColumn).isNull(),
            "entity_key",
            lit("the entity key (" + source.entityKeyText() + ") is null")));
    rowChecks.add(eventTimeCheck(source));
    for (Column check : rowChecks) {
      // A malformed record has no reliable fields: report it once, as malformed.
      checks.add(when(malformed.isNull(), check));
    }
    Dataset<Row> validated =
        out.withColumn(VIOLATIONS, array_compact(array(checks.toArray(Column[]::new))));
    for (ColumnSpec c : source.schema()) {
      validated = validated.drop(IN + c.name());
    }
    return validated;
  }

  private static List<Column> columnChecks(ColumnSpec c) {
    List<Column> checks = new ArrayList<>();
    Column in = col(IN + c.name());
    Column v = col("`" + c.name() + "`");
    Column inText = in.cast(DataTypes.StringType);
    Column present = in.isNotNull().and(trim(inText).notEqual(lit("")));
    Column badType = present.and(v.isNull());
    if (c.type() == ColumnType.DOUBLE) {
      badType =
          badType.or(
              v.isNotNull()
                  .and(
                      isnan(v)
                          .or(v.equalTo(lit(Double.POSITIVE_INFINITY)))
                          .or(v.equalTo(lit(Double.NEGATIVE_INFINITY)))));
    }
    checks.add(
        violation(
            badType,
            "type",
            concat(
                lit("column '" + c.name() + "': expected " + c.type().key() + ", got '"),
                inText,
                lit("'"))));
    if (!c.nullable()) {
      checks.add(
          violation(
              not(present).or(in.isNull()),
              "not_null",
              lit("column '" + c.name() + "' is empty but declared nullable: false")));
    }
    if (c.min() != null) {
      checks.add(
          violation(
              v.lt(lit(c.min())),
              "range",
              concat(
                  lit("column '" + c.name() + "' = "),
                  v.cast(DataTypes.StringType),
                  lit(" is below the minimum " + c.min()))));
    }
    if (c.max() != null) {
      checks.add(
          violation(
              v.gt(lit(c.max())),
              "range",
              concat(
                  lit("column '" + c.name() + "' = "),
                  v.cast(DataTypes.StringType),
                  lit(" is above the maximum " + c.max()))));
    }
    if (!c.allowed().isEmpty()) {
      checks.add(
          violation(
              v.isNotNull().and(not(v.cast(DataTypes.StringType).isin(c.allowed().toArray()))),
              "allowed_values",
              concat(
                  lit("column '" + c.name() + "' = '"),
                  v.cast(DataTypes.StringType),
                  lit("' is not one of " + c.allowed()))));
    }
    return checks;
  }

  private static Column eventTime(SourceConfig source) {
    if (source.eventTime() instanceof EventTime.FromRowIndex ri) {
      long start = ChronoUnit.MICROS.between(java.time.Instant.EPOCH, ri.start());
      long step = ri.step().toNanos() / 1000;
      return timestamp_micros(lit(start).plus(col(SourceReader.ROW_INDEX).multiply(lit(step))));
    }
    EventTime.FromColumn fc = (EventTime.FromColumn) source.eventTime();
    Column c = col("`" + fc.column() + "`");
    ColumnType t = source.column(fc.column()).orElseThrow().type();
    return switch (t) {
      case STRING ->
          fc.format() == null
              ? c.try_cast(DataTypes.TimestampType)
              : try_to_timestamp(c, lit(fc.format()));
      case LONG -> timestamp_millis(c);
      default -> c.cast(DataTypes.TimestampType);
    };
  }

  private static Column eventTimeCheck(SourceConfig source) {
    if (source.eventTime() instanceof EventTime.FromColumn fc) {
      String how = fc.format() == null ? "" : " with format " + fc.format();
      return violation(
          col(EVENT_TIME).isNull(),
          "event_time",
          concat(
              lit("cannot derive the event time from column '" + fc.column() + "' = '"),
              col("`" + fc.column() + "`").cast(DataTypes.StringType),
              lit("'" + how)));
    }
    return violation(col(EVENT_TIME).isNull(), "event_time", lit("no event time"));
  }

  private static Column typedValue(ColumnSpec c, Column in) {
    DataType target = sparkType(c.type());
    if (c.type() == ColumnType.STRING) {
      return in.cast(DataTypes.StringType);
    }
    return trim(in.cast(DataTypes.StringType)).try_cast(target);
  }

  /** The Spark type of a declared column type. */
  public static DataType sparkType(ColumnType t) {
    return switch (t) {
      case STRING -> DataTypes.StringType;
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case DOUBLE -> DataTypes.DoubleType;
      case BOOLEAN -> DataTypes.BooleanType;
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> DataTypes.TimestampType;
    };
  }

  private static Column violation(Column when, String rule, Column reason) {
    return when(when, struct(lit(rule).as("rule"), reason.as("reason")));
  }
}
