package dev.lakeops.common.online;

import dev.lakeops.common.config.EntityConfig;
import dev.lakeops.common.config.FeatureViewConfig;
import dev.lakeops.common.config.ProjectConfig;
import dev.lakeops.common.error.Errors;
import dev.lakeops.common.error.LakeOpsException;
import dev.lakeops.common.events.EntityKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads every feature view of one entity key from the online store and renders it, Spark- and
 * Flink-free: the body of {@code mlops online-store get}.
 */
public final class OnlineLookup {
  /**
   * One view's answer for the key.
   *
   * @param read the store's answer: the row, or why there is none
   */
  public record ViewResult(FeatureViewConfig view, OnlineRead read) {
    /** The row, or empty. */
    public Optional<FeatureRow> row() {
      return read.toOptional();
    }

    /** True when the latest row at or before the lookup time is past the view's TTL. */
    public boolean expired() {
      return read.status() == OnlineRead.Status.EXPIRED;
    }
  }

  private OnlineLookup() {}

  /**
   * The key text to look up from the key as typed: one value is the key's canonical text as stored
   * (an integer key's digits, a date key's {@code yyyy-MM-dd}, a composite key's JSON array such as
   * {@code ["S1","7"]}); several values are the parts of {@code entity}'s composite key in its
   * {@code join_keys} order, joined into that JSON array ({@code EntityKeys.composite}).
   *
   * @param entity the entity read ({@code --entity}), or null for every entity
   * @param typed the key as typed, one value or the parts; never empty
   * @throws LakeOpsException when parts are given without a composite entity or in another number
   *     than its join keys, or when a composite entity's key is one value that is not a JSON array
   */
  public static String keyText(ProjectConfig project, String entity, List<String> typed) {
    if (entity != null && !project.entities().containsKey(entity)) {
      throw Errors.unknownEntity(entity, project.entities().keySet());
    }
    EntityConfig e = entity == null ? null : project.entities().get(entity);
    if (typed.size() == 1) {
      String key = typed.get(0);
      if (e != null && e.composite() && !key.startsWith("[")) {
        throw Errors.compositeKeyParts(e.name(), e.joinKeys(), typed);
      }
      return key;
    }
    if (e == null || !e.composite() || e.joinKeys().size() != typed.size()) {
      throw Errors.compositeKeyParts(
          e == null ? null : e.name(), e == null ? List.of() : e.joinKeys(), typed);
    }
    return EntityKeys.composite(typed);
  }

  /**
   * Reads the key from each view of {@code entity} (or of every entity when null) at {@code
   * asOfMillis}.
   *
   * @throws LakeOpsException for an unknown entity, naming the known ones
   */
  public static List<ViewResult> lookup(
      ProjectConfig project, OnlineStore store, String entity, String key, long asOfMillis) {
    if (entity != null && !project.entities().containsKey(entity)) {
      throw Errors.unknownEntity(entity, project.entities().keySet());
    }
    List<ViewResult> out = new ArrayList<>();
    for (FeatureViewConfig v : project.featureViews().values()) {
      if (entity != null && !v.entity().equals(entity)) {
        continue;
      }
      out.add(new ViewResult(v, store.lookup(v.name(), key, asOfMillis)));
    }
    return out;
  }

  /**
   * Renders a lookup as a key=value listing, one block per view:
   *
   * <pre>
   * customer_spend (customer 00003) event_time 1998-05-28T00:00:00Z, age 12h
   *   spend_30d          = 16.99
   * customer_purchases (customer 00003): no row
   * customer_recent (customer 00003): history does not reach back to 1998-01-01T00:00:00Z (...)
   * </pre>
   *
   * Window features are the aggregates over {@code (asOf − window, asOf]}; the event time shown is
   * that of the latest row at or before {@code asOf}.
   */
  public static String render(List<ViewResult> results, String key, long asOfMillis) {
    StringBuilder sb = new StringBuilder();
    for (ViewResult r : results) {
      String head = r.view().name() + " (" + r.view().entity() + " " + key + ")";
      if (r.row().isEmpty()) {
        sb.append(head)
            .append(": ")
            .append(r.read().reason(r.view().ttl(), asOfMillis))
            .append('\n');
        continue;
      }
      FeatureRow row = r.row().get();
      sb.append(head)
          .append(" event_time ")
          .append(Instant.ofEpochMilli(row.eventTimeMillis()))
          .append(", age ")
          .append(age(Duration.ofMillis(asOfMillis - row.eventTimeMillis())))
          .append('\n');
      int width = row.values().keySet().stream().mapToInt(String::length).max().orElse(0);
      for (Map.Entry<String, Object> e : row.values().entrySet()) {
        sb.append("  ")
            .append(String.format("%-" + Math.max(1, width) + "s", e.getKey()))
            .append(" = ")
            .append(show(e.getValue()))
            .append('\n');
      }
    }
    return sb.toString();
  }

  private static String show(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return '"' + s.replace("\"", "\\\"") + '"';
    }
    return v.toString();
  }

  private static String age(Duration d) {
    if (d.isNegative()) {
      return "in the future by " + age(d.negated());
    }
    if (d.toDays() > 0) {
      return d.toDays() + "d";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m";
    }
    return d.toMillis() / 1000 + "s";
  }
}
