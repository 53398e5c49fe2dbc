package dev.lakeops.spark.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakeops.common.registry.Lineage;
import dev.lakeops.common.registry.ModelState;
import dev.lakeops.common.registry.ModelVersion;
import dev.lakeops.common.registry.Stage;
import dev.lakeops.common.registry.Transition;
import dev.lakeops.common.warehouse.TableRef;
import dev.lakeops.spark.TestSpark;
import dev.lakeops.spark.store.DeltaTables;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry on a real Delta table, with writers racing each other. */
class DeltaModelRegistryIT {
  @TempDir Path dir;

  DeltaModelRegistry registry() {
    return new DeltaModelRegistry(
        TestSpark.session(),
        new DeltaTables(TestSpark.session()),
        new TableRef(dir.resolve("registry").toString(), "regtest.lakeops_model_versions"));
  }

  static ModelVersion draft(String run) {
    return new ModelVersion(
        "churn",
        0,
        "/models/" + run,
        Instant.now(),
        Stage.NONE,
        Map.of("auc_roc", 0.7),
        Map.of("maxIter", "10"),
        "{}",
        "{}",
        new Lineage(run, "ts", Map.of("db.ts", 1L), "c0ffee", "h"),
        List.of());
  }

  @Test
  void stateRoundTripsThroughTheTable() {
    DeltaModelRegistry r = registry();
    r.update("churn", s -> s.register(draft("run-1"), "ana", Instant.now(), "trained"));
    ModelState s = r.state("churn");
    assertThat(s.versions())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.version()).isEqualTo(1);
              assertThat(v.lineage().runId()).isEqualTo("run-1");
              assertThat(v.lineage().inputs()).containsEntry("db.ts", 1L);
              assertThat(v.params()).containsEntry("maxIter", "10");
              assertThat(v.history()).extracting(Transition::by).containsExactly("ana");
            });
    assertThat(r.models()).containsExactly("churn");
  }

  @Test
  void concurrentRegistrationsAndPromotionsLeaveOneChampionAndAFullAuditTrail() throws Exception {
    DeltaModelRegistry r = registry();
    int n = 6;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<ModelState>> registered = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String run = "run-" + i;
        registered.add(
            pool.submit(
                () ->
                    r.update(
                        "churn",
                        s -> s.register(draft(run), "trainer", Instant.now(), "trained"))));
      }
      for (Future<ModelState> f : registered) {
        f.get();
      }
      ModelState afterRegistration = r.state("churn");
      assertThat(afterRegistration.versions())
          .extracting(ModelVersion::version)
          .containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(afterRegistration.versions())
          .extracting(v -> v.lineage().runId())
          .doesNotHaveDuplicates();

      List<Callable<ModelState>> promotions = new ArrayList<>();
      for (int v = 1; v <= n; v++) {
        int version = v;
        promotions.add(
            () ->
                r.update(
                    "churn",
                    s ->
                        s.move(
                            version,
                            Stage.PRODUCTION,
                            "user-" + version,
                            Instant.now(),
                            "race",
                            Map.of())));
      }
      for (Future<ModelState> f : pool.invokeAll(promotions)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    ModelState end = r.state("churn");
    assertThat(end.versions().stream().filter(v -> v.stage() == Stage.PRODUCTION)).hasSize(1);
    assertThat(end.versions().stream().filter(v -> v.stage() == Stage.ARCHIVED)).hasSize(n - 1);
    List<Transition> trail = end.auditTrail();
    assertThat(trail.stream().filter(t -> t.kind().equals("registered"))).hasSize(n);
    assertThat(trail.stream().filter(t -> t.kind().equals("promoted"))).hasSize(n);
    assertThat(trail.stream().filter(t -> t.kind().equals("archived"))).hasSize(n - 1);
    assertThat(trail.stream().filter(t -> t.kind().equals("promoted")).map(Transition::by))
        .containsExactlyInAnyOrder("user-1", "user-2", "user-3", "user-4", "user-5", "user-6");
    assertThat(end.epoch()).isEqualTo(2L * n);
  }
}
