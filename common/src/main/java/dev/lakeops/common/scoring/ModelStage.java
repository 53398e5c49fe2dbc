package dev.lakeops.common.scoring;

/** The last stage of a pipeline: a model writing prediction (and, for classifiers, vectors). */
interface ModelStage extends Stage {
  /** Number of classes, 0 for a regressor. */
  int numClasses();
}
