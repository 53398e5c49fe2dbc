package dev.lakeops.common.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of the promotion gate, with the numbers behind it.
 *
 * @param champion the champion's metric value on the holdout, or null without a champion
 * @param improvement challenger minus champion, signed so that positive is better
 */
public record GateDecision(
    boolean accepted,
    String metric,
    double challenger,
    Double champion,
    double improvement,
    double required,
    boolean noNaN,
    boolean signatureCompatible,
    String reason) {

  /** The numbers as text, for the audit trail. */
  public Map<String, String> details() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("gate_metric", metric);
    d.put("challenger_value", String.valueOf(challenger));
    d.put("champion_value", String.valueOf(champion));
    d.put("improvement", String.valueOf(improvement));
    d.put("required_improvement", String.valueOf(required));
    d.put("no_nan_predictions", String.valueOf(noNaN));
    d.put("signature_compatible", String.valueOf(signatureCompatible));
    d.put("accepted", String.valueOf(accepted));
    return d;
  }
}
