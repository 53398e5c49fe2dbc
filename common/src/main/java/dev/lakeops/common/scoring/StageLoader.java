package dev.lakeops.common.scoring;

/** Builds the compiled stage of one saved MLlib stage, resolving its columns in the layout. */
@FunctionalInterface
interface StageLoader {
  Stage load(SavedStage saved, Layout layout);
}
