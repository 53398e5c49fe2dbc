package dev.lakeops.flink.serving;

import dev.lakeops.common.scoring.Scored;
import java.util.Map;

/** Scores one feature row with one loaded model version. */
@FunctionalInterface
public interface ModelScorer {
  Scored score(Map<String, Object> row);
}
