package dev.lakeops.spark;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lakeops.common.architecture.ModuleRules;

/** spark-jobs' main classes keep the module boundaries ({@link ModuleRules#engineModule}). */
@AnalyzeClasses(locations = ModuleRules.MainClasses.class)
class SparkJobsArchitectureTest {
  @ArchTest
  static final ArchRule boundaries =
      ModuleRules.engineModule("dev.lakeops.spark", "dev.lakeops.flink", "org.apache.flink");
}
