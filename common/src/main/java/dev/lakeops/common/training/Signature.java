package dev.lakeops.common.training;

import dev.lakeops.common.types.ColumnType;
import java.util.List;
import java.util.Optional;

/**
 * What a trained model takes and gives: its input features with their types (as stored in the
 * training set), its label and its output columns. Serving checks its inputs against it.
 *
 * <p>Types are the engine-neutral {@link ColumnType}s, written in JSON by their {@link
 * ColumnType#signatureName()} ({@code double}, {@code long}, {@code integer}, {@code string},
 * {@code boolean}, {@code timestamp}, and {@code vector} for MLlib vectors), as they always were.
 *
 * @param numClasses the number of classes for classification, 0 for regression
 */
public record Signature(
    Task task, List<Field> inputs, Field label, List<Field> outputs, int numClasses) {

  public Signature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /**
   * A named, typed column.
   *
   * @param categorical whether the model one-hot encodes it (inputs only)
   */
  public record Field(String name, ColumnType type, boolean categorical) {
    public Field(String name, ColumnType type) {
      this(name, type, false);
    }
  }

  public List<String> inputNames() {
    return inputs.stream().map(Field::name).toList();
  }

  public Optional<Field> input(String name) {
    return inputs.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  public String toJson() {
    return TrainingJson.write(this);
  }

  public static Signature fromJson(String json) {
    return TrainingJson.read(json, Signature.class);
  }
}
