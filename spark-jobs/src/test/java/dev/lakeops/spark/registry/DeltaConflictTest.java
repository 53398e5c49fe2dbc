package dev.lakeops.spark.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.error.LakeOpsException;
import java.util.ConcurrentModificationException;
import org.apache.spark.sql.delta.ConcurrentAppendException;
import org.apache.spark.sql.delta.MetadataChangedException;
import org.junit.jupiter.api.Test;

/** A lost registry commit is recognized by Delta's conflict types, not by a class name. */
class DeltaConflictTest {

  @Test
  void deltaConflictsAreRecognizedAlsoWhenWrapped() {
    assertThat(DeltaModelRegistry.isConcurrencyConflict(new ConcurrentAppendException("lost")))
        .isTrue();
    assertThat(
            DeltaModelRegistry.isConcurrencyConflict(
                new LakeOpsException("write failed", new ConcurrentAppendException("lost"))))
        .isTrue();
  }

  @Test
  void aConflictWhoseNameSaysNothingOfConcurrencyIsOne() {
    // Another writer changed the table's metadata: a conflict, though its name has no
    // "Concurrent" in it.
    assertThat(DeltaModelRegistry.isConcurrencyConflict(new MetadataChangedException("changed")))
        .isTrue();
  }

  @Test
  void otherFailuresAreNotConflictsWhateverTheirName() {
    // A JDK collection changed while iterated: a bug, not another writer winning the commit.
    assertThat(
            DeltaModelRegistry.isConcurrencyConflict(
                new ConcurrentModificationException("a list changed")))
        .isFalse();
    assertThat(DeltaModelRegistry.isConcurrencyConflict(new IllegalStateException("x"))).isFalse();
  }
}
