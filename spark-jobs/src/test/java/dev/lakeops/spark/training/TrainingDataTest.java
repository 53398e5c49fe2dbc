package dev.lakeops.spark.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The canonical training set's partition count, new runs' rule and the unrecorded runs' rule. */
class TrainingDataTest {

  @Test
  void aNewRunHasOnePartitionPerQuarterMillionLabeledRowsRoundedUp() {
    assertThat(ModelTrainer.partitions(1)).isEqualTo(1);
    assertThat(ModelTrainer.partitions(250_000)).isEqualTo(1);
    assertThat(ModelTrainer.partitions(250_001)).isEqualTo(2);
    assertThat(ModelTrainer.partitions(1_000_000)).isEqualTo(4);
    // 50,000,000 / 250,000 = 200 partitions, the cap; more rows stay at 200.
    assertThat(ModelTrainer.partitions(50_000_000)).isEqualTo(200);
    assertThat(ModelTrainer.partitions(50_000_001)).isEqualTo(200);
  }

  @Test
  void aRunRecordedWithoutACountHadOnePartitionPerMillionLabeledRows() {
    assertThat(ModelTrainer.unrecordedPartitions(1)).isEqualTo(1);
    assertThat(ModelTrainer.unrecordedPartitions(1_000_000)).isEqualTo(1);
    assertThat(ModelTrainer.unrecordedPartitions(1_000_001)).isEqualTo(2);
    assertThat(ModelTrainer.unrecordedPartitions(4_000_000)).isEqualTo(4);
  }

  @Test
  void noRowsStillMeanOnePartition() {
    assertThat(TrainingData.partitions(0, TrainingData.ROWS_PER_PARTITION)).isEqualTo(1);
  }
}
