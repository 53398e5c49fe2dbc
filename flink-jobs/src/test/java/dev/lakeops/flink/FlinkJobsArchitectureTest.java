package dev.lakeops.flink;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lakeops.common.architecture.ModuleRules;

/** flink-jobs' main classes keep the module boundaries ({@link ModuleRules#engineModule}). */
@AnalyzeClasses(locations = ModuleRules.MainClasses.class)
class FlinkJobsArchitectureTest {
  @ArchTest
  static final ArchRule boundaries =
      ModuleRules.engineModule("dev.lakeops.flink", "dev.lakeops.spark", "org.apache.spark");
}
