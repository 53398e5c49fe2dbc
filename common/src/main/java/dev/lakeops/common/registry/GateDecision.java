package dev.lakeops.common.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of the promotion gate, with the numbers behind it.
 *
 * @param champion the champion's metric value on the holdout, or null without a champion
 * @param improvement challenger minus champion, signed so that positive is better; exactly 0 for
 *     two models that predict the same on the holdout (both values come from one scoring of the
 *     same rows with the same exact metric)
 * @param holdoutRows the holdout rows both models were scored on, or -1 when not recorded
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
    String reason,
    long holdoutRows) {

  /** A decision without a recorded holdout size. */
  public GateDecision(
      boolean accepted,
      String metric,
      double challenger,
      Double champion,
      double improvement,
      double required,
      boolean noNaN,
      boolean signatureCompatible,
      String reason) {
    this(
        accepted,
        metric,
        challenger,
        champion,
        improvement,
        required,
        noNaN,
        signatureCompatible,
        reason,
        -1);
  }

  /** The same decision, recording how many holdout rows both models were scored on. */
  public GateDecision withHoldoutRows(long rows) {
    return new GateDecision(
        accepted,
        metric,
        challenger,
        champion,
        improvement,
        required,
        noNaN,
        signatureCompatible,
        reason,
        rows);
  }

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
    if (holdoutRows >= 0) {
      d.put("holdout_rows", String.valueOf(holdoutRows));
    }
    d.put("accepted", String.valueOf(accepted));
    return d;
  }
}
