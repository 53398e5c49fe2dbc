package dev.lakeops.common.scoring;

import dev.lakeops.common.error.Errors;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.types.ColumnType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a pipeline resolved to slots at load time. A column the pipeline reads before any
 * stage writes it is an input column; the others are scalar or vector outputs of earlier stages.
 */
final class Layout {
  enum Kind {
    INPUT,
    SCALAR,
    VECTOR
  }

  private final Map<String, Integer> byName = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private final List<Kind> kinds = new ArrayList<>();
  private final List<Integer> sizes = new ArrayList<>();
  private final List<Integer> inputs = new ArrayList<>();
  private final Map<String, ColumnType> declaredTypes;

  Layout(Map<String, ColumnType> declaredTypes) {
    this.declaredTypes = declaredTypes;
  }

  /** The slot of {@code name}; a column no stage wrote yet becomes an input column. */
  int read(String name) {
    Integer s = byName.get(name);
    if (s != null) {
      return s;
    }
    int slot = add(name, Kind.INPUT, 1);
    inputs.add(slot);
    return slot;
  }

  /**
   * The slot of {@code column}, which stage {@code s} reads as a vector of {@code size} values made
   * by an earlier stage.
   *
   * @throws LakeOpsException naming the stage and the column when it is not such a vector
   */
  int readVector(SavedStage s, String column, int size) {
    int slot = read(column);
    if (!isVector(slot) || size(slot) != size) {
      throw Errors.notAVectorOfSize(
          s.simpleName(), s.dir, column, size, isVector(slot) ? size(slot) : null);
    }
    return slot;
  }

  int defineScalar(String name) {
    return add(name, Kind.SCALAR, 1);
  }

  int defineVector(String name, int size) {
    return add(name, Kind.VECTOR, size);
  }

  private int add(String name, Kind kind, int size) {
    int slot = names.size();
    names.add(name);
    kinds.add(kind);
    sizes.add(size);
    byName.put(name, slot); // a later stage writing the same name shadows the earlier column
    return slot;
  }

  Kind kind(int slot) {
    return kinds.get(slot);
  }

  boolean isVector(int slot) {
    return kinds.get(slot) == Kind.VECTOR;
  }

  /** 1 for scalars, the vector's length for vectors. */
  int size(int slot) {
    return sizes.get(slot);
  }

  String name(int slot) {
    return names.get(slot);
  }

  int slots() {
    return names.size();
  }

  int[] inputSlots() {
    return inputs.stream().mapToInt(Integer::intValue).toArray();
  }

  List<String> inputNames() {
    return inputs.stream().map(names::get).toList();
  }

  /** The declared type of an input column ({@code long}, {@code double}, ...), or null. */
  ColumnType declaredType(String name) {
    return declaredTypes.get(name);
  }
}
