package dev.lakeops.common.registry;

/**
 * The promotion gate (continuous delivery for models): sanity checks, then champion vs challenger.
 */
public final class Gate {
  private Gate() {}

  /**
   * Decides whether a challenger may become the champion.
   *
   * @param challenger the challenger's metric value on the holdout
   * @param champion the champion's value on the same holdout, or null if there is no champion
   */
  public static GateDecision decide(
      GatePolicy policy,
      double challenger,
      Double champion,
      boolean noNaN,
      boolean signatureCompatible) {
    String before = null;
    if (!noNaN) {
      before = "the challenger predicts NaN for some holdout rows";
    } else if (!signatureCompatible) {
      before =
          "the challenger needs inputs the champion's serving path does not provide (signature)";
    } else if (Double.isNaN(challenger)) {
      before = "the challenger's " + policy.metric() + " is NaN";
    }
    if (before != null || champion == null) {
      // Decided before any comparison: a failed sanity check, or no champion to beat.
      return new GateDecision(
          before == null,
          policy.metric(),
          challenger,
          champion,
          Double.NaN,
          policy.minImprovement(),
          noNaN,
          signatureCompatible,
          before == null ? "no champion yet" : before);
    }
    double improvement = policy.higherIsBetter() ? challenger - champion : champion - challenger;
    boolean ok = improvement >= policy.minImprovement();
    String reason =
        String.format(
            "challenger %s %.6f vs champion %.6f: improvement %.6f %s the required %.6f",
            policy.metric(),
            challenger,
            champion,
            improvement,
            ok ? "meets" : "is below",
            policy.minImprovement());
    return new GateDecision(
        ok,
        policy.metric(),
        challenger,
        champion,
        improvement,
        policy.minImprovement(),
        true,
        true,
        reason);
  }
}
