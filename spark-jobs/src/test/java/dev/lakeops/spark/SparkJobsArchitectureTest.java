package dev.lakeops.spark;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lakeops.common.architecture.ModuleRules;

/** spark-jobs' main classes keep the module boundaries ({@link ModuleRules}). */
@AnalyzeClasses(locations = ModuleRules.MainClasses.class)
class SparkJobsArchitectureTest {
  @ArchTest
  static final ArchRule noFlinkJobs =
      ModuleRules.noDependencyOn(
          "the engines meet only in common", "dev.lakeops.flink..", "org.apache.flink..");

  @ArchTest
  static final ArchRule noPackageCycles = ModuleRules.freeOfPackageCycles("dev.lakeops.spark");

  @ArchTest static final ArchRule picocliInCliOnly = ModuleRules.onlyCliPackagesUsePicocli();

  @ArchTest static final ArchRule noBenchmarks = ModuleRules.noBenchmarkCode();
}
