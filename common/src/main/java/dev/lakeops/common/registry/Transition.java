package dev.lakeops.common.registry;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of a model's audit trail: who moved which version from where to where, when and why.
 *
 * @param kind registered, promoted, demoted, archived (by a promotion) or refused (by the gate)
 * @param details the numbers behind a decision (gate metric values, margin, sanity checks)
 */
public record Transition(
    String id,
    int version,
    String kind,
    Stage from,
    Stage to,
    String by,
    Instant at,
    String reason,
    Map<String, String> details) {}
