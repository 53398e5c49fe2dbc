package dev.lakeops.common.registry;

import dev.lakeops.common.error.Errors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * All versions of one model at one epoch (the number of changes made to the model so far). The
 * transitions are pure functions returning the next state, so the rules (one production version,
 * every change in the audit trail) hold whatever store keeps the state.
 */
public record ModelState(String model, long epoch, List<ModelVersion> versions) {

  public static ModelState empty(String model) {
    return new ModelState(model, 0, List.of());
  }

  public Optional<ModelVersion> version(int v) {
    return versions.stream().filter(x -> x.version() == v).findFirst();
  }

  public Optional<ModelVersion> champion() {
    return versions.stream().filter(x -> x.stage() == Stage.PRODUCTION).findFirst();
  }

  public int nextVersion() {
    return versions.stream().mapToInt(ModelVersion::version).max().orElse(0) + 1;
  }

  /** Adds a new version (its number is assigned here) in stage NONE. */
  public ModelState register(ModelVersion draft, String by, Instant at, String reason) {
    int v = nextVersion();
    Transition t = transition(v, "registered", Stage.NONE, Stage.NONE, by, at, reason, Map.of());
    ModelVersion added =
        new ModelVersion(
            model,
            v,
            draft.artifact(),
            at,
            Stage.NONE,
            draft.metrics(),
            draft.params(),
            draft.signature(),
            draft.profile(),
            draft.lineage(),
            List.of(t));
    List<ModelVersion> out = new ArrayList<>(versions);
    out.add(added);
    return next(out);
  }

  /**
   * Moves a version to {@code to}. Promoting to production archives the previous champion, so at
   * most one version is in production.
   */
  public ModelState move(
      int v, Stage to, String by, Instant at, String reason, Map<String, String> details) {
    ModelVersion target = require(v);
    if (target.stage() == to) {
      throw Errors.alreadyInStage(model, v, to.key());
    }
    String kind = rank(to) > rank(target.stage()) ? "promoted" : "demoted";
    List<ModelVersion> out = new ArrayList<>();
    for (ModelVersion x : versions) {
      if (x.version() == v) {
        out.add(x.withStage(to, transition(v, kind, x.stage(), to, by, at, reason, details)));
      } else if (to == Stage.PRODUCTION && x.stage() == Stage.PRODUCTION) {
        String why = "replaced by version " + v + " in production";
        out.add(
            x.withStage(
                Stage.ARCHIVED,
                transition(
                    x.version(), "archived", x.stage(), Stage.ARCHIVED, by, at, why, details)));
      } else {
        out.add(x);
      }
    }
    return next(out);
  }

  /** Records a refused promotion (the gate said no) without moving anything. */
  public ModelState refuse(
      int v, Stage to, String by, Instant at, String reason, Map<String, String> details) {
    ModelVersion target = require(v);
    List<ModelVersion> out = new ArrayList<>();
    for (ModelVersion x : versions) {
      out.add(
          x.version() == v
              ? x.withHistory(transition(v, "refused", target.stage(), to, by, at, reason, details))
              : x);
    }
    return next(out);
  }

  /** Every transition of every version, oldest first. */
  public List<Transition> auditTrail() {
    return versions.stream()
        .flatMap(x -> x.history().stream())
        .sorted(Comparator.comparing(Transition::at).thenComparing(Transition::version))
        .toList();
  }

  private ModelVersion require(int v) {
    return version(v)
        .orElseThrow(
            () ->
                Errors.noSuchModelVersion(
                    model, v, versions.stream().map(ModelVersion::version).sorted().toList()));
  }

  private ModelState next(List<ModelVersion> out) {
    out.sort(Comparator.comparingInt(ModelVersion::version));
    return new ModelState(model, epoch + 1, List.copyOf(out));
  }

  private static int rank(Stage s) {
    return switch (s) {
      case ARCHIVED -> 0;
      case NONE -> 1;
      case STAGING -> 2;
      case PRODUCTION -> 3;
    };
  }

  private static Transition transition(
      int v,
      String kind,
      Stage from,
      Stage to,
      String by,
      Instant at,
      String reason,
      Map<String, String> details) {
    return new Transition(
        UUID.randomUUID().toString(), v, kind, from, to, by, at, reason, Map.copyOf(details));
  }
}
