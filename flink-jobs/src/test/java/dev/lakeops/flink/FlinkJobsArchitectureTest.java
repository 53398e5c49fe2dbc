package dev.lakeops.flink;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lakeops.common.architecture.ModuleRules;

/** flink-jobs' main classes keep the module boundaries ({@link ModuleRules}). */
@AnalyzeClasses(locations = ModuleRules.MainClasses.class)
class FlinkJobsArchitectureTest {
  @ArchTest
  static final ArchRule noSparkJobs =
      ModuleRules.noDependencyOn(
          "the engines meet only in common", "dev.lakeops.spark..", "org.apache.spark..");

  @ArchTest
  static final ArchRule noPackageCycles = ModuleRules.freeOfPackageCycles("dev.lakeops.flink");

  @ArchTest static final ArchRule picocliInCliOnly = ModuleRules.onlyCliPackagesUsePicocli();

  @ArchTest static final ArchRule noBenchmarks = ModuleRules.noBenchmarkCode();
}
