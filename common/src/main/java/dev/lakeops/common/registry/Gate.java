package dev.lakeops.common.registry;

/**
 * The promotion gate (continuous delivery for models): sanity checks, then champion vs challenger.
 */
public final class Gate {
  private Gate() {}

  /**
   * Decides whether a challenger may become the champion.
   *
   * <p>The rule: the challenger is accepted when its improvement over the champion (signed so that
   * positive is better) is at least {@code policy.minImprovement()}: {@code improvement >=
   * min_improvement}. With the default margin 0 the gate asks "no worse than the champion", so a
   * challenger that ties exactly (improvement 0, e.g. the same configuration retrained on the same
   * data) is accepted: it is not an improvement, but refusing it would block a refresh of the
   * lineage for no loss. To require a strict gain, set a positive {@code min_improvement} (e.g.
   * 1e-6). Both values must come from the same holdout rows and the same exact metric, or a tie
   * cannot be recognised.
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
