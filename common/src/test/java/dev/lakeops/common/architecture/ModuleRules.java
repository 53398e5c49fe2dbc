package dev.lakeops.common.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The package boundaries between the modules, as ArchUnit rules each module's architecture test
 * applies to its own main classes (shared through common's test-jar, so each rule is written once).
 *
 * <ul>
 *   <li>{@code common} is engine-free: no Spark, Flink or Delta (Spark or Kernel) class;
 *   <li>the engine modules never use each other ({@code dev.lakeops.spark..} and {@code
 *       dev.lakeops.flink..} meet only in {@code common});
 *   <li>within a module, the top-level packages form no cycle;
 *   <li>only command-line packages ({@code ..cli..}) use picocli;
 *   <li>no benchmark code in a shipped module.
 * </ul>
 */
public final class ModuleRules {
  private ModuleRules() {}

  /**
   * The module's main classes: its {@code target/classes} directory (tests run in the module's
   * directory). Read directly, so the import neither searches every jar of the test classpath nor
   * picks up test classes.
   */
  public static final class MainClasses implements LocationProvider {
    @Override
    public Set<Location> get(Class<?> testClass) {
      Path classes = Path.of("target", "classes").toAbsolutePath();
      if (!Files.isDirectory(classes)) {
        throw new IllegalStateException(
            classes + " is missing: run the architecture tests from the module's directory");
      }
      return Set.of(Location.of(classes));
    }
  }

  /** No class of the analysed module depends on a class in any of {@code packages}. */
  public static ArchRule noDependencyOn(String why, String... packages) {
    return noClasses().should().dependOnClassesThat().resideInAnyPackage(packages).because(why);
  }

  /**
   * The packages directly under {@code root} (each with its subpackages) depend on each other
   * without a cycle, except within {@code knownTangle}: those packages are taken as one (their
   * cycles are known debt, named where the rule is applied), so no other package may join a cycle
   * with them or with each other.
   */
  public static ArchRule freeOfPackageCycles(String root, String... knownTangle) {
    List<String> tangle = Arrays.stream(knownTangle).sorted().toList();
    String tangleName = String.join("+", tangle);
    SliceAssignment topLevel =
        new SliceAssignment() {
          @Override
          public SliceIdentifier getIdentifierOf(JavaClass c) {
            String pkg = c.getPackageName();
            if (!pkg.startsWith(root + ".")) {
              return SliceIdentifier.ignore();
            }
            // one slice per package (monitoring and monitoring.drift apart); the known tangle's
            // packages, with their sub-packages, as one
            String sub = pkg.substring(root.length() + 1);
            String top = sub.split("\\.")[0];
            return SliceIdentifier.of(tangle.contains(top) ? tangleName : sub);
          }

          @Override
          public String getDescription() {
            return "the packages under "
                + root
                + (tangle.isEmpty() ? "" : " (" + tangleName + " taken as one)");
          }
        };
    return slices()
        .assignedFrom(topLevel)
        .should()
        .beFreeOfCycles()
        .because("a cycle between packages makes them one unit in all but name");
  }

  /** Only the command-line packages use picocli; jobs and libraries take typed options. */
  public static ArchRule onlyCliPackagesUsePicocli() {
    return noClasses()
        .that()
        .resideOutsideOfPackage("..cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .because(
            "the command line is parsed once, in the cli packages, and jobs get typed options");
  }

  /** Shipped code carries no benchmark: those live in the benchmarks module, never shipped. */
  public static ArchRule noBenchmarkCode() {
    return noClasses()
        .should()
        .resideInAPackage("..bench..")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("org.openjdk.jmh..", "org.apache.flink.connector.datagen..")
        .because("benchmarks live in the benchmarks module, which is never shipped");
  }

  /**
   * All rules of an engine module ({@code root}, e.g. {@code dev.lakeops.flink}): it uses neither
   * the other engine module ({@code otherModule}) nor the other engine ({@code otherEngine}), its
   * packages form no cycle, only its cli packages use picocli, and it carries no benchmark code.
   */
  public static ArchRule engineModule(String root, String otherModule, String otherEngine) {
    return CompositeArchRule.of(
            noDependencyOn(
                "the engines meet only in common", otherModule + "..", otherEngine + ".."))
        .and(freeOfPackageCycles(root))
        .and(onlyCliPackagesUsePicocli())
        .and(noBenchmarkCode());
  }
}
