package dev.lakeops.spark;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.lakeops.common.architecture.ModuleRules;

/** spark-jobs' main classes keep the module boundaries ({@link ModuleRules}). */
@AnalyzeClasses(
    packages = "dev.lakeops.spark",
    importOptions = ImportOption.DoNotIncludeTests.class)
class SparkJobsArchitectureTest {
  @ArchTest
  static final ArchRule noFlinkJobs =
      ModuleRules.noDependencyOn(
          "the engines meet only in common", "dev.lakeops.flink..", "org.apache.flink..");

  @ArchTest
  static final ArchRule noPackageCycles = ModuleRules.freeOfPackageCycles("dev.lakeops.spark");

  @ArchTest static final ArchRule picocliInCliOnly = ModuleRules.onlyCliPackagesUsePicocli();
}
