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
    if (!noNaN) {
      return new GateDecision(
          false,
          policy.metric(),
          challenger,
          champion,
          Double.NaN,
          policy.minImprovement(),
          false,
          signatureCompatible,
          "the challenger predicts NaN for some holdout rows");
    }
    if (!signatureCompatible) {
      return new GateDecision(
          false,
          policy.metric(),
          challenger,
          champion,
          Double.NaN,
          policy.minImprovement(),
          true,
          false,
          "the challenger needs inputs the champion's serving path does not provide (signature)");
    }
    if (Double.isNaN(challenger)) {
      return new GateDecision(
          false,
          policy.metric(),
          challenger,
          champion,
          Double.NaN,
          policy.minImprovement(),
          true,
          true,
          "the challenger's " + policy.metric() + " is NaN");
    }
    if (champion == null) {
      return new GateDecision(
          true,
          policy.metric(),
          challenger,
          null,
          Double.NaN,
          policy.minImprovement(),
          true,
          true,
          "no champion yet");
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
