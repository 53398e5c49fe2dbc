package dev.lakeops.common.types;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.lakeops.common.error.Errors;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.expr.ExprType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The engine-neutral column types: those a source schema declares, and those of a trained model's
 * {@link dev.lakeops.common.training.Signature} (its inputs as stored in the training set, its
 * label and outputs), which the trainer writes, and the scorer and serving read.
 *
 * <p>In a signature's JSON a type is written by {@link #signatureName()}: {@code double}, {@code
 * long}, {@code integer}, {@code string}, {@code boolean}, {@code date}, {@code timestamp}, {@code
 * vector}, as signatures have always been written; {@link #ofSignatureName} reads those and the
 * other spellings older artifacts may hold.
 */
public enum ColumnType {
  STRING,
  INT,
  LONG,
  DOUBLE,
  BOOLEAN,
  DATE,
  TIMESTAMP,
  /** An MLlib vector: only a model's outputs (probability, rawPrediction); no source has one. */
  VECTOR;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isNumeric() {
    return this == INT || this == LONG || this == DOUBLE;
  }

  /**
   * The type this column has inside feature expressions, or empty if expressions cannot use it.
   * Dates and timestamps are {@link ExprType#TIME}: read through the date-part functions.
   */
  public Optional<ExprType> exprType() {
    return switch (this) {
      case STRING -> Optional.of(ExprType.STRING);
      case INT, LONG, DOUBLE -> Optional.of(ExprType.NUMBER);
      case BOOLEAN -> Optional.of(ExprType.BOOLEAN);
      case DATE, TIMESTAMP -> Optional.of(ExprType.TIME);
      case VECTOR -> Optional.empty();
    };
  }

  /** Whether a source schema may declare this type (all but {@link #VECTOR}). */
  public boolean isSourceType() {
    return this != VECTOR;
  }

  /** A source schema's type by its key ({@link #keys()}), or empty. */
  public static Optional<ColumnType> parse(String s) {
    return Arrays.stream(values())
        .filter(ColumnType::isSourceType)
        .filter(t -> t.key().equals(s.toLowerCase(Locale.ROOT)))
        .findFirst();
  }

  /** The keys a source schema accepts. */
  public static List<String> keys() {
    return Arrays.stream(values()).filter(ColumnType::isSourceType).map(ColumnType::key).toList();
  }

  /** The type's name in a signature's JSON: {@code integer} for {@link #INT}, else its key. */
  @JsonValue
  public String signatureName() {
    return this == INT ? "integer" : key();
  }

  /**
   * A type from a signature's JSON: every {@link #signatureName()}, and what older artifacts may
   * hold: {@code int}, {@code float}, and Spark's {@code decimal(p,s)} (all numbers a model reads
   * as doubles).
   *
   * @throws LakeOpsException for any other name (the artifact is not a LakeOps signature)
   */
  @JsonCreator
  public static ColumnType ofSignatureName(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("integer") || n.equals("int")) {
      return INT;
    }
    if (n.equals("float") || n.startsWith("decimal")) {
      return DOUBLE;
    }
    for (ColumnType t : values()) {
      if (t.key().equals(n)) {
        return t;
      }
    }
    throw Errors.unknownSignatureType(
        name, Arrays.stream(values()).map(ColumnType::signatureName).toList());
  }
}
