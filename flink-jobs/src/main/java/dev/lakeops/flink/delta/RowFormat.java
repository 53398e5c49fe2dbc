package dev.lakeops.flink.delta;

import io.delta.kernel.types.StructType;
import java.io.Serializable;

/** How records of one type become rows of a Delta table. */
public interface RowFormat<T> extends Serializable {

  /** The table's schema (built on demand: Kernel types are not serializable). */
  StructType schema();

  /** The record's values in {@link #schema()}'s field order (see {@link ValueVectors}). */
  Object[] toRow(T record);
}
